import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalSample } from '../../../shared/protocol/box-stream';
import { BoxJudge } from '../../../box/judge/box-judge';
import { decideReward } from '../../../box/samples/decide-reward';
import { SglangClient } from '../../../box/sglang/sglang-client';
import { startSglangTestEngine, type SglangTestEngine } from '../../support/sglang-test-engine';

let engine: SglangTestEngine;
let judge: BoxJudge;

beforeAll(async () => {
  engine = await startSglangTestEngine({ weightVersion: 'judge' });
  judge = new BoxJudge({ engine: new SglangClient({ url: engine.url }), votes: 3, temperature: 0.6, maxTokens: 8_192, timeoutMs: 10_000 });
});
afterAll(async () => {
  await engine.close();
});

function sample(overrides: Partial<SignalSample> = {}): SignalSample {
  return {
    sampleId: 's-1',
    personaId: 'p',
    conversationId: 'c',
    turnId: 't-1',
    messages: [{ role: 'user', content: 'What is the capital of Australia?' }],
    response: 'Sydney.',
    nextState: { role: 'user', content: 'thanks' },
    reward: 1,
    rewardSource: 'heuristic',
    signalKind: 'positive',
    confidence: 0.9,
    hint: null,
    supersedes: null,
    policyVersion: null,
    createdAt: 1,
    ...overrides,
  };
}

function judgeCalls(): { temperature?: number; max_tokens?: number; messages: { role: string; content: string }[] }[] {
  return engine.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as never);
}

describe('decideReward: the judge decides inferred rewards, explicit ones stand', () => {
  it('leaves explicit signals to the user: no judge call', async () => {
    engine.setBehaviour({ judge: { votes: [-1, -1, -1], hint: 'x' } });
    const before = judgeCalls().length;
    const decision = await decideReward(judge, sample({ rewardSource: 'explicit', signalKind: 'thumb_up', hint: 'Keep it short.' }));
    expect(decision).toMatchObject({ reward: 1, decidedBy: 'user', tally: null, hint: 'Keep it short.' });
    expect(judgeCalls().length).toBe(before);
  });

  it('overrules the detector with the majority of 3 votes at temperature 0.6, and asks the hint judge too', async () => {
    engine.setBehaviour({ judge: { votes: [-1, 1, -1], hint: 'The capital of Australia is Canberra.' } });
    const before = judgeCalls().length;
    const decision = await decideReward(judge, sample({ nextState: { role: 'user', content: 'thanks, but that is wrong' } }));
    expect(decision).toMatchObject({ reward: -1, decidedBy: 'judge', tally: { plus: 1, minus: 2, zero: 0, invalid: 0 }, hint: 'The capital of Australia is Canberra.' });
    const calls = judgeCalls().slice(before);
    expect(calls).toHaveLength(6);
    for (const call of calls) expect(call).toMatchObject({ temperature: 0.6, max_tokens: 8_192 });
    // The judge sees the request, the reply and the next state.
    const user = calls[0]!.messages.find((m) => m.role === 'user')!.content;
    expect(user).toContain('What is the capital of Australia?');
    expect(user).toContain('Sydney.');
    expect(user).toContain('thanks, but that is wrong');
  });

  it('keeps the rule hint where the judge agrees it was a correction, drops it where the judge disagrees', async () => {
    const correction = sample({ reward: -1, signalKind: 'correction', hint: 'Use Canberra, not Sydney.', nextState: { role: 'user', content: 'No, Canberra' } });
    engine.setBehaviour({ judge: { votes: [-1, -1, -1], hint: 'judge hint' } });
    expect(await decideReward(judge, correction)).toMatchObject({ reward: -1, hint: 'Use Canberra, not Sydney.', tally: { minus: 3 } });
    engine.setBehaviour({ judge: { votes: [0, 0, 1], hint: null } });
    expect(await decideReward(judge, correction)).toMatchObject({ reward: 0, hint: null });
  });

  it('gives 0 on a tie or when no vote is valid, counting votes cut at their budget as invalid', async () => {
    engine.setBehaviour({ judge: { votes: [1, -1, 0], hint: null } });
    expect(await decideReward(judge, sample())).toMatchObject({ reward: 0, decidedBy: 'judge', tally: { plus: 1, minus: 1, zero: 1, invalid: 0 } });
    engine.setBehaviour({ judge: { votes: ['none', 'none', 1], hint: null } });
    expect(await decideReward(judge, sample())).toMatchObject({ reward: 1, tally: { plus: 1, invalid: 2 } });
    // A budget too short for the answer: every vote is cut before it finishes, none counts.
    const starved = new BoxJudge({ ...judge.config, maxTokens: 4 });
    engine.setBehaviour({ judge: { votes: [1, 1, 1], hint: null } });
    const cut = await decideReward(starved, sample());
    expect(cut).toMatchObject({ reward: 0, tally: { plus: 0, invalid: 3 }, cutAtBudget: 3 });
  });

  it('asks no hint of its own when the persona reviews hints', async () => {
    engine.setBehaviour({ judge: { votes: [-1, -1, -1], hint: 'unreviewed hint' } });
    const before = judgeCalls().length;
    const decision = await decideReward(judge, sample({ judgeHintAllowed: false }));
    expect(decision).toMatchObject({ reward: -1, hint: null });
    expect(judgeCalls().length - before).toBe(3);
  });

  it('does not judge a next state that is not the user\'s own words (withheld while its hint awaits review)', async () => {
    const before = judgeCalls().length;
    const withheld = sample({ reward: -1, signalKind: 'correction', nextState: { role: 'feedback', content: 'correction (details withheld by the user)' } });
    expect(await decideReward(judge, withheld)).toMatchObject({ decidedBy: 'detector', reward: 0, unsure: true });
    expect(judgeCalls().length).toBe(before);
  });
});

describe('decideReward without a judge engine', () => {
  it('trains a detector verdict only in a bucket trusted without a judge; everything else is unsure', async () => {
    expect(await decideReward(null, sample({ trainableWithoutJudge: true }))).toMatchObject({ reward: 1, decidedBy: 'detector', unsure: false });
    expect(await decideReward(null, sample({ trainableWithoutJudge: false, hint: 'Use Canberra.' }))).toMatchObject({ reward: 0, hint: null, unsure: true });
    // Older apps do not say: not trusted.
    expect(await decideReward(null, sample())).toMatchObject({ reward: 0, unsure: true });
    expect(await decideReward(null, sample({ reward: 0, signalKind: 'neutral' }))).toMatchObject({ reward: 0, unsure: false });
  });

  it("keeps an app-side judge's decision", async () => {
    expect(await decideReward(null, sample({ rewardSource: 'judge', reward: -1, signalKind: 'negative_other' }))).toMatchObject({ reward: -1, decidedBy: 'judge' });
  });
});

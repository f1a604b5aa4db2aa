import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalSample } from '../../../shared/protocol/box-stream';
import { BoxJudge } from '../../../box/judge/box-judge';
import { buildTrainerSamples, PolicyUpdatingError, REGENERATION_TRIES, SampleTooLongError, type SampleBuilderConfig } from '../../../box/samples/build-trainer-samples';
import { ConcurrencyLimit } from '../../../box/samples/concurrency-limit';
import type { ServedTurn } from '../../../box/samples/served-turn';
import { SglangClient } from '../../../box/sglang/sglang-client';
import { loadModelTokenizer } from '../../../box/tokenizer/load-model-folder';
import type { ModelTokenizer } from '../../../box/tokenizer/model-tokenizer';
import { encodeText, eosTokenId, expectedTokenLogprob, renderChatTemplate, servedTokenLogprob, startSglangTestEngine, tokenBytes, type SglangTestEngine } from '../../support/sglang-test-engine';
import { makeQwen3ModelFolder } from '../tokenizer/qwen3-model-folder';

let folder: ReturnType<typeof makeQwen3ModelFolder>;
let tok: ModelTokenizer;
let policy: SglangTestEngine;
let teacher: SglangTestEngine;
let regenerations = 0;

beforeAll(async () => {
  folder = makeQwen3ModelFolder();
  tok = loadModelTokenizer(folder.dir);
  policy = await startSglangTestEngine({
    weightVersion: 'p1',
    behaviour: { reply: { kind: 'function', reply: () => (regenerations++ % 2 === 0 ? 'Example: 3 apples.' : 'Apples are fruit.') } },
  });
  teacher = await startSglangTestEngine({
    weightVersion: 't1',
    // The judge (chat) says a reply follows the hint when it starts with an example.
    behaviour: { reply: { kind: 'function', reply: (c) => (c.route === 'chat' ? (/reply\n(Example)/.test(c.lastUserMessage ?? '') ? '\\boxed{1}' : '\\boxed{-1}') : '') } },
  });
});
afterAll(async () => {
  await policy.close();
  await teacher.close();
  folder.remove();
});

function config(overrides: Partial<SampleBuilderConfig> = {}): SampleBuilderConfig {
  const teacherClient = new SglangClient({ url: teacher.url });
  return {
    tokenizer: tok,
    policy: new SglangClient({ url: policy.url }),
    policyLogprobsAreRaw: false,
    policyServing: () => Promise.resolve(true),
    teacher: teacherClient,
    teacherLimit: new ConcurrencyLimit(2),
    defaultTemplateKwargs: { enable_thinking: false },
    onPolicySamplesPerHint: 2,
    regenerateTemperature: 0.6,
    regenerateMaxNewTokens: 64,
    judge: new BoxJudge({ engine: teacherClient, votes: 1, temperature: 0.6, maxTokens: 64, timeoutMs: 10_000 }),
    judgeRegenerations: true,
    ...overrides,
  };
}

const messages: SignalSample['messages'] = [{ role: 'user', content: 'Tell me about apples' }];

function sample(overrides: Partial<SignalSample> = {}): SignalSample {
  return {
    sampleId: 's-1',
    personaId: 'p',
    conversationId: 'c',
    turnId: 't-1',
    messages,
    response: 'Apples grow on trees.',
    nextState: { role: 'user', content: 'give me an example first' },
    reward: -1,
    rewardSource: 'explicit',
    signalKind: 'correction',
    confidence: 1,
    hint: 'Start with a concrete example.',
    supersedes: null,
    policyVersion: 'p0',
    createdAt: 1,
    ...overrides,
  };
}

function servedTurn(text: string, kwargs: Record<string, unknown>, turnMessages = messages, temperature = 1): ServedTurn {
  const ids = encodeText(text);
  const prompt = encodeText(renderChatTemplate(turnMessages, kwargs));
  return {
    turnId: 't-1',
    messages: turnMessages,
    templateKwargs: kwargs,
    responseText: text,
    tokens: ids.map((id, i) => ({
      token: new TextDecoder().decode(new Uint8Array(tokenBytes(id))),
      bytes: tokenBytes(id),
      logprob: servedTokenLogprob(expectedTokenLogprob([...prompt, ...ids.slice(0, i)], id, 'served'), temperature),
    })),
    finishReason: 'stop',
    policyVersion: 'served',
    temperature,
  };
}

describe('buildTrainerSamples', () => {
  it('judges on-policy regenerations against the hint instead of giving them the original reward', async () => {
    const report = await buildTrainerSamples(config(), sample(), servedTurn('Apples grow on trees.', { enable_thinking: false }));
    expect(report.samples).toHaveLength(3);
    const [original, ...fresh] = report.samples;
    expect(original!.reward).toBe(-1);
    const byText = new Map(fresh.map((s) => [tok.decode(s.tokens.slice(s.tokens.length - s.response_length), { skipSpecialTokens: true }), s]));
    expect(byText.get('Example: 3 apples.')?.reward).toBe(1);
    expect(byText.get('Apples are fruit.')?.reward).toBe(-1);
    for (const s of fresh) expect(s.policyVersion).toBe('p1');
  });

  it('uses the chat_template_kwargs the turn was served with (thinking on here) for prompt, teacher and ids', async () => {
    const served = servedTurn('Apples grow on trees.', {});
    const report = await buildTrainerSamples(config({ onPolicySamplesPerHint: 0 }), sample(), served);
    const [built] = report.samples;
    const prompt = encodeText(renderChatTemplate(messages, {}));
    const response = [...encodeText('Apples grow on trees.'), eosTokenId()];
    expect(built!.tokens).toEqual([...prompt, ...response]);
    expect(built!.retokenized).toBe(false);
    // Sampled log-probs come from the turn log; only the unreported end token is scored (policy p1).
    const expected = served.tokens.map((t) => t.logprob);
    expect(built!.rollout_log_probs.slice(0, -1)).toEqual(expected);
    expect(built!.rollout_log_probs.at(-1)).toBe(expectedTokenLogprob([...prompt, ...response.slice(0, -1)], eosTokenId(), 'p1'));
    expect(built!.policyVersion).toBe('served');
  });

  it("refuses the served sample when the box's policy did not serve this text for this conversation", async () => {
    const before = policy.requests.length;
    const cases: [ServedTurn | null, RegExp][] = [
      [null, /did not serve this reply/],
      [servedTurn('Apples grow on trees.', { enable_thinking: false }, [{ role: 'user', content: 'different question' }]), /conversation before this reply changed/],
      [servedTurn('Apples grow on trees. They are', { enable_thinking: false }), /not the text the box's policy served/],
    ];
    for (const [turn, why] of cases) {
      const report = await buildTrainerSamples(config({ onPolicySamplesPerHint: 0 }), sample({ hint: null }), turn);
      expect(report.samples).toEqual([]);
      expect(report.notFromPolicyBecause).toMatch(why);
      expect(report.verdict).toEqual({ decidedBy: 'user', reward: -1, judgeTally: null, fate: 'not_from_policy' });
    }
    // Nothing was scored or generated for another model's text.
    expect(policy.requests.length).toBe(before);
  });

  it('re-tokenizes the policy\'s own text only when its sampled tokens cannot be mapped', async () => {
    const served = servedTurn('Apples grow on trees.', { enable_thinking: false });
    const withoutBytes = { ...served, tokens: served.tokens.map((t) => ({ ...t, bytes: null, token: '\ufffd' })) };
    const report = await buildTrainerSamples(config({ onPolicySamplesPerHint: 0, judge: null }), sample({ hint: null }), withoutBytes);
    expect(report.notFromPolicyBecause).toBeNull();
    expect(report.samples[0]!.retokenized).toBe(true);
    expect(report.retokenizedBecause).not.toBeNull();
    expect(report.samples[0]!.rollout_log_probs).toHaveLength(report.samples[0]!.response_length);
  });

  it('re-scores raw on the policy a turn served at T = 0.7 by an SGLang that scales sampled log-probs, and regenerations too', async () => {
    const served = servedTurn('Apples grow on trees.', { enable_thinking: false }, messages, 0.7);
    const prompt = encodeText(renderChatTemplate(messages, { enable_thinking: false }));
    const response = [...encodeText('Apples grow on trees.'), eosTokenId()];
    const raw = response.map((id, i) => expectedTokenLogprob([...prompt, ...response.slice(0, i)], id, 'p1'));

    const scaled = await buildTrainerSamples(config({ policyLogprobsAreRaw: false, onPolicySamplesPerHint: 1, judge: null }), sample(), served);
    const [original, fresh] = scaled.samples;
    expect(original!.retokenized).toBe(false);
    expect(original!.tokens).toEqual([...prompt, ...response]);
    expect(original!.rollout_log_probs).toEqual(raw);
    expect(original!.policyVersion).toBe('p1');
    expect(scaled.rescoredBecause).toMatch(/temperature 0.7/);
    expect(scaled.servedTemperature).toBe(0.7);
    // The regeneration was sampled at 0.6 on this scaling engine: its rollout log-probs are raw too.
    const freshIds = fresh!.tokens.slice(prompt.length);
    expect(fresh!.rollout_log_probs).toEqual(freshIds.map((id, i) => expectedTokenLogprob([...prompt, ...freshIds.slice(0, i)], id, 'p1')));

    // An SGLang launched with SGLANG_RETURN_ORIGINAL_LOGPROB=1 already reported raw ones: kept as served.
    const asServed = await buildTrainerSamples(config({ policyLogprobsAreRaw: true, onPolicySamplesPerHint: 0 }), sample(), served);
    expect(asServed.rescoredBecause).toBeNull();
    expect(asServed.samples[0]!.rollout_log_probs.slice(0, -1)).toEqual(served.tokens.map((t) => t.logprob));
  });

  it('trains only regenerations that stopped by themselves, retrying cut-off ones a bounded number of times', async () => {
    const before = policy.requests.filter((r) => r.path === '/generate').length;
    const report = await buildTrainerSamples(config({ regenerateMaxNewTokens: 2, judge: null }), sample(), servedTurn('Apples grow on trees.', { enable_thinking: false }));
    expect(report.samples.map((s) => s.sampleId)).toEqual(['s-1']);
    expect(report.regenerationErrors).toHaveLength(2);
    for (const error of report.regenerationErrors) expect(error).toMatch(/did not finish by itself in 3 tries \(finish_reason length\)/);
    const sampled = policy.requests.slice(before).filter((r) => r.path === '/generate' && (r.body as { sampling_params: { max_new_tokens: number } }).sampling_params.max_new_tokens === 2);
    expect(sampled).toHaveLength(2 * REGENERATION_TRIES);
  });

  it('does not touch the policy while it loads new weights', async () => {
    const before = policy.requests.length;
    await expect(buildTrainerSamples(config({ policyServing: () => Promise.resolve(false) }), sample(), null)).rejects.toBeInstanceOf(PolicyUpdatingError);
    expect(policy.requests.length).toBe(before);
  });

  it('refuses a sample longer than the trainer takes before any engine call', async () => {
    const before = policy.requests.length + teacher.requests.length;
    const long = sample({ response: 'Apples are fruit that grow on trees in orchards. '.repeat(20) });
    const served = servedTurn(long.response, { enable_thinking: false });
    await expect(buildTrainerSamples(config({ maxSampleTokens: 40 }), long, served)).rejects.toThrow(
      /the prompt with the served reply is \d+ tokens, more than the 40 the trainer takes/,
    );
    await expect(buildTrainerSamples(config({ maxSampleTokens: 5 }), long, served)).rejects.toBeInstanceOf(SampleTooLongError);
    await expect(buildTrainerSamples(config({ maxSampleTokens: 5 }), long, served)).rejects.toThrow(/the prompt is \d+ tokens/);
    expect(policy.requests.length + teacher.requests.length).toBe(before);
    // Within the limit it builds as before.
    const built = await buildTrainerSamples(config({ maxSampleTokens: 4_096, onPolicySamplesPerHint: 0, policyLogprobsAreRaw: true }), long, served);
    expect(built.samples).toHaveLength(1);
  });
});

import Database from 'better-sqlite3';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalSampleSchema } from '../../../shared/protocol/box-stream';
import { DATABASE_FILE_NAME } from '../../../electron/core/create-core';
import { outboxWithSamples, startCore, type CoreHarness } from './core-test-kit';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './openai-stream-server';

let policy: OpenAiStreamServer;
let h: CoreHarness;

beforeEach(async () => {
  policy = await startOpenAiStreamServer();
  h = await startCore();
  // With a box, the app asks its own judge only at an endpoint the user named for it.
  await h.invoke('settings:update', { box: { url: policy.url }, judge: { mode: 'always', endpoint: `${policy.url}/v1`, votes: 3, timeoutMs: 10_000 } });
});
afterEach(async () => {
  await h.dispose();
  await policy.close();
});

async function twoTurns(followUp: string) {
  policy.script({ chunks: ['Here is the recipe: boil pasta for 9 minutes.'] }, { chunks: ['Glad it helped.'] });
  const [persona] = await h.invoke('personas:list', {});
  const conversation = await h.invoke('conversations:create', { personaId: persona!.id });
  const first = await h.invoke('chat:send', { conversationId: conversation.id, content: 'How long do I boil pasta?' });
  await h.waitFor('chat:message', (m) => m.id === first.assistantMessage.id && m.status === 'complete');
  const second = await h.invoke('chat:send', { conversationId: conversation.id, content: followUp });
  return { persona: persona!, conversation, first, second };
}

describe('core: judge', () => {
  it('writes a judge signal superseding the heuristic one when the verdict changes', async () => {
    policy.scriptJudge('The user is unhappy. \\boxed{-1}');
    const { persona, conversation, second } = await twoTurns('Thanks, that is perfect!');
    const heuristic = second.signal!;
    expect(heuristic).toMatchObject({ source: 'heuristic', reward: 1 });
    await h.core.idle();

    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    const judged = signals.find((s) => s.source === 'judge')!;
    expect(judged).toMatchObject({ reward: -1, messageId: heuristic.messageId, triggerMessageId: heuristic.triggerMessageId });
    expect(signals.find((s) => s.id === heuristic.id)?.supersededBy).toBe(judged.id);

    const rows = outboxWithSamples(h.dir);
    expect(rows.map((r) => r.sample_id)).toEqual([heuristic.id, judged.id]);
    expect(SignalSampleSchema.parse(JSON.parse(rows[1]!.payload))).toMatchObject({
      supersedes: heuristic.id,
      rewardSource: 'judge',
      reward: -1,
      nextState: { role: 'user', content: 'Thanks, that is perfect!' },
    });
    const judgeEvents = await h.invoke('timeline:list', { personaId: persona.id, kinds: ['judge'] });
    expect(judgeEvents).toHaveLength(1);
    expect(await h.invoke('timeline:stats', { personaId: persona.id })).toMatchObject({ signals: 1, positive: 0, negative: 1 });
    expect(judged).toMatchObject({ decidedBy: 'judge', judgeTally: { plus: 0, minus: 3, zero: 0, invalid: 0 }, fate: 'will_train' });
    // The judge saw the turn: its prompts went to the judge endpoint.
    expect(policy.requests.filter((r) => r.path === '/v1/chat/completions' && r.body?.stream === false).length).toBeGreaterThanOrEqual(3);
  });

  it('leaves the heuristic verdict alone and says so on the timeline when the judge fails', async () => {
    policy.scriptJudge({ status: 503, body: { error: { message: 'judge engine down' } } });
    const { persona, conversation, second } = await twoTurns('Thanks, that is perfect!');
    await h.core.idle();
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ id: second.signal!.id, supersededBy: null });
    const errors = await h.invoke('timeline:list', { personaId: persona.id, kinds: ['error'] });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.summary).toMatch(/Judge failed/);
    expect(errors[0]!.summary).toMatch(/503/);
    // A box is configured: its judge still decides this turn.
    expect(signals[0]!.fate).toBe('awaiting_judge');
  });

  it('decides even when it agrees with the detector: the judge, not the detector, sets the reward', async () => {
    policy.scriptJudge('Clearly pleased. \\boxed{1}');
    const { conversation, second } = await twoTurns('Thanks, that is perfect!');
    await h.core.idle();
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    const judged = signals.find((s) => s.source === 'judge')!;
    expect(judged).toMatchObject({ reward: 1, kind: second.signal!.kind, decidedBy: 'judge', judgeTally: { plus: 3 }, fate: 'will_train' });
    expect(signals.find((s) => s.id === second.signal!.id)).toMatchObject({ supersededBy: judged.id, decidedBy: 'detector' });
  });

  it('a tie is 0: nothing to train unless the judge gave a hint', async () => {
    policy.scriptJudge('\\boxed{1}', '\\boxed{-1}', '\\boxed{0}');
    await h.invoke('settings:update', { judge: { votes: 3 } });
    const { conversation } = await twoTurns('Thanks, that is perfect!');
    await h.core.idle();
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    const judged = signals.find((s) => s.source === 'judge')!;
    expect(judged).toMatchObject({ reward: 0, decidedBy: 'judge', fate: 'no_signal' });
    expect(judged.judgeTally).toMatchObject({ plus: 1, minus: 1, zero: 1 });
  });

  it('with a box and no judge endpoint of its own, leaves judging to the box', async () => {
    await h.invoke('settings:update', { judge: { endpoint: '' } });
    const before = policy.requests.filter((r) => r.body?.stream === false).length;
    const { conversation, second } = await twoTurns('Thanks, that is perfect!');
    await h.core.idle();
    expect(policy.requests.filter((r) => r.body?.stream === false).length).toBe(before);
    const { signals } = await h.invoke('signals:listForConversation', { conversationId: conversation.id });
    expect(signals).toEqual([expect.objectContaining({ id: second.signal!.id, decidedBy: 'detector', fate: 'awaiting_judge' })]);
  });

  it('chat does not wait for a slow judge; a judge timeout is reported', async () => {
    // A judge endpoint that takes requests and never answers.
    const pending: ServerResponse[] = [];
    const slow = createServer((_req, res) => pending.push(res));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const port = (slow.address() as AddressInfo).port;
      await h.invoke('settings:update', { judge: { endpoint: `http://127.0.0.1:${port}/v1`, timeoutMs: 1_000 } });
      const { persona, second } = await twoTurns('Thanks, that is perfect!');
      expect(second.signal?.source).toBe('heuristic');
      // The reply completes while the judge's requests are still unanswered.
      await h.waitFor('chat:message', (m) => m.id === second.assistantMessage.id && m.status === 'complete');
      // (On a loaded machine the judge's requests may reach the server only after the reply ended.)
      for (let waited = 0; pending.length === 0 && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(pending.length).toBeGreaterThan(0);
      expect(pending.every((res) => !res.writableEnded)).toBe(true);
      await h.core.idle();
      const errors = await h.invoke('timeline:list', { personaId: persona.id, kinds: ['error'] });
      expect(errors[0]?.summary).toMatch(/timed out/);
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('closing the core does not wait for a judge that never answers', async () => {
    const received: IncomingMessage[] = [];
    let firstRequest!: () => void;
    const arrived = new Promise<void>((resolve) => (firstRequest = resolve));
    const silent = createServer((req) => {
      received.push(req);
      firstRequest();
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as AddressInfo).port;
      // The longest judge timeout there is: only an abort can end these calls before it.
      await h.invoke('settings:update', { judge: { endpoint: `http://127.0.0.1:${port}/v1`, timeoutMs: 600_000 } });
      const { persona, second } = await twoTurns('Thanks, that is perfect!');
      await h.waitFor('chat:message', (m) => m.id === second.assistantMessage.id && m.status === 'complete');
      await arrived;
      const closed = await Promise.race([
        h.core.close().then(() => 'closed' as const),
        new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000).unref()),
      ]);
      expect(closed).toBe('closed');
      // Every judge request was abandoned by the client, and nothing was recorded for the aborted run.
      await Promise.all(received.map((req) => (req.socket.destroyed ? null : new Promise((r) => req.socket.once('close', r)))));
      const db = new Database(join(h.dir, DATABASE_FILE_NAME), { readonly: true });
      try {
        expect(db.prepare("SELECT COUNT(*) AS n FROM timeline_events WHERE persona_id = ? AND kind IN ('error', 'judge')").get(persona.id)).toEqual({ n: 0 });
        expect(db.prepare('SELECT COUNT(*) AS n FROM signals').get()).toEqual({ n: 1 });
      } finally {
        db.close();
      }
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('core: no judge is asked without an endpoint named for it', () => {
  it('without a box the chat server is not asked to judge (nothing would train), even in mode always', async () => {
    await h.invoke('settings:update', { box: { url: '' }, policy: { endpoint: `${policy.url}/v1` }, judge: { mode: 'always', endpoint: '' } });
    policy.scriptJudge('\\boxed{-1}');
    const { second } = await twoTurns('Thanks, that is perfect!');
    await h.core.idle();
    expect(second.signal).toMatchObject({ source: 'heuristic', reward: 1 });
    // Only the two streamed replies reached the chat server: no judge votes.
    const chatRequests = policy.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chatRequests).toHaveLength(2);
    expect(chatRequests.every((r) => (r.body as { stream?: boolean }).stream === true)).toBe(true);
  });
});

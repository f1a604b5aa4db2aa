import { describe, expect, it } from 'vitest';
import { CHAT_HEADER_TURN } from '../../../shared/protocol/chat-headers';
import { TrainerWeightsResponseSchema } from '../../../shared/protocol/trainer-api';
import { sseDataEvents } from '../../../shared/protocol/server-sent-events';
import type { Gateway } from '../../../box/gateway/server';
import type { SglangTestEngine } from '../../support/sglang-test-engine';
import { authHeaders, makeSample, TestStreamClient } from '../gateway/gateway-fixture';
import { useTrainingGateway } from './training-gateway';

/**
 * slime pushes weights with POST /pause_generation {} (SGLangEngine.pause_generation, slime 624b824),
 * and SGLang's default pause mode is "abort": every reply still streaming ends there. The trainer
 * plugin therefore announces 'updating' with drainTimeoutMs and only lets slime go on once the
 * gateway answers. These tests play slime's side of a push against the gateway and the SGLang test
 * engine, which aborts on a default pause as SGLang does.
 */
const REPLY = 'One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen.';

interface StreamedReply {
  text: string;
  finishReason: string | null;
}

async function streamChat(gateway: Gateway, turnId?: string): Promise<StreamedReply> {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...authHeaders(), ...(turnId ? { [CHAT_HEADER_TURN]: turnId } : {}) },
    body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'Count for me.' }] }),
  });
  expect(res.status).toBe(200);
  const decoder = new TextDecoder();
  async function* text(): AsyncGenerator<string> {
    for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) yield decoder.decode(bytes, { stream: true });
  }
  const reply: StreamedReply = { text: '', finishReason: null };
  for await (const data of sseDataEvents(text())) {
    if (data === '[DONE]') break;
    const chunk = JSON.parse(data) as { choices: { delta?: { content?: string }; finish_reason?: string | null }[] };
    for (const choice of chunk.choices) {
      reply.text += choice.delta?.content ?? '';
      reply.finishReason = choice.finish_reason ?? reply.finishReason;
    }
  }
  return reply;
}

async function engineControl(engine: SglangTestEngine, path: string, body: unknown = {}): Promise<void> {
  const res = await fetch(`${engine.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

function announce(gateway: Gateway, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${gateway.url}/v1/trainer/weights`, { method: 'POST', headers: authHeaders(), body: JSON.stringify(body) });
}

/** slime's push after the announcement: pause (default mode), load, continue; then the plugin's 'ready'. */
async function pushWeights(gateway: Gateway, engine: SglangTestEngine, version: string): Promise<void> {
  await engineControl(engine, '/pause_generation');
  await engineControl(engine, '/update_weights_from_disk', { model_path: '/weights/new', weight_version: version });
  await engineControl(engine, '/continue_generation');
  const ready = await announce(gateway, { state: 'ready', policyVersion: version });
  expect(ready.status).toBe(200);
}

async function untilStreaming(engine: SglangTestEngine): Promise<void> {
  await expect.poll(() => engine.inFlight(), { timeout: 20_000, interval: 5 }).toBe(1);
}

describe('a weight push while a reply streams through the gateway', () => {
  const box = useTrainingGateway({ engine: { behaviour: { reply: { kind: 'fixed', text: REPLY }, tokenLatencyMs: 25 } } });

  it('waits for the reply to finish before the default (abort) pause, and holds new chat until ready', async () => {
    const { gateway, engine } = box.fixture;
    const streaming = streamChat(gateway, 'turn-before-push');
    await untilStreaming(engine);

    const started = Date.now();
    const answer = await announce(gateway, { state: 'updating', policyVersion: null, drainTimeoutMs: 20_000 });
    const drained = TrainerWeightsResponseSchema.parse(await answer.json());
    expect(drained).toMatchObject({ state: 'updating', updating: true, activeReplies: 0 });
    expect(engine.inFlight()).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(100); // it did wait for the reply

    const heldChat = streamChat(gateway, 'turn-during-push'); // arrives during the push: waits at the gateway, not at SGLang
    await expect.poll(() => gateway.policy.waitingRequests, { timeout: 10_000 }).toBe(1);
    await pushWeights(gateway, engine, '7');

    const first = await streaming;
    expect(first).toEqual({ text: REPLY, finishReason: 'stop' });
    const second = await heldChat;
    expect(second).toEqual({ text: REPLY, finishReason: 'stop' });
    expect(gateway.turnLog.get('turn-before-push')).toMatchObject({ status: 'complete', finishReason: 'stop' });
    expect(gateway.turnLog.get('turn-during-push')?.policyVersion).toBe('7');
  });

  it('without a drain, the same push cuts the reply off, as SGLang does', async () => {
    const { gateway, engine } = box.fixture;
    const streaming = streamChat(gateway);
    await untilStreaming(engine);
    const answer = TrainerWeightsResponseSchema.parse(await (await announce(gateway, { state: 'updating', policyVersion: null })).json());
    expect(answer.activeReplies).toBe(1);
    await pushWeights(gateway, engine, '8');
    const cut = await streaming;
    expect(cut.finishReason).toBe('abort');
    expect(cut.text.length).toBeLessThan(REPLY.length);
    expect(REPLY.startsWith(cut.text)).toBe(true);
  });

  it('gives up the drain after drainTimeoutMs and says how many replies are still streaming', async () => {
    const { gateway, engine } = box.fixture;
    const streaming = streamChat(gateway);
    await untilStreaming(engine);
    const answer = TrainerWeightsResponseSchema.parse(
      await (await announce(gateway, { state: 'updating', policyVersion: null, drainTimeoutMs: 30 })).json(),
    );
    expect(answer.activeReplies).toBe(1);
    await announce(gateway, { state: 'ready', policyVersion: null });
    expect((await streaming).finishReason).toBe('stop'); // no pause came, so it finished anyway
  });
});

describe('a weight push while a sample builds on the engine (no separate teacher, as on one GPU)', () => {
  const box = useTrainingGateway({ engine: { behaviour: { reply: { kind: 'fixed', text: REPLY }, tokenLatencyMs: 25 } } });

  it('waits for the build too: a colocated engine is only released once nothing runs on it', async () => {
    const { gateway } = box.fixture;
    const app = await TestStreamClient.connect(gateway);
    try {
      app.hello();
      // A hinted correction: the build regenerates on the policy engine (slowly here) and scores there.
      app.send({ type: 'sample', sample: makeSample({ reward: -1, hint: 'Be shorter.', signalKind: 'correction' }) });
      await expect.poll(() => gateway.policy.activeBuilds, { timeout: 20_000, interval: 5 }).toBe(1);
      const answer = TrainerWeightsResponseSchema.parse(
        await (await announce(gateway, { state: 'updating', policyVersion: null, drainTimeoutMs: 30_000 })).json(),
      );
      expect(answer).toMatchObject({ activeReplies: 0, activeBuilds: 0 });
      expect(gateway.policy.activeBuilds).toBe(0);
      await announce(gateway, { state: 'ready', policyVersion: null });
    } finally {
      await app.close();
    }
  });
});

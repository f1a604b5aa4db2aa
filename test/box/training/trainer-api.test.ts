import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainerBatchResponseSchema, type TrainerSample } from '../../../shared/protocol/trainer-api';
import type { ProgressEvent, SignalSample } from '../../../shared/protocol/box-stream';
import { startGateway, type Gateway } from '../../../box/gateway/server';
import { appendHintToMessages } from '../../../box/samples/teacher-prompt';
import { createTrainingPlugin, type TrainingHandle } from '../../../box/training/training-plugin';
import {
  decodeIds,
  encodeText,
  eosTokenId,
  expectedTokenLogprob,
  renderChatTemplate,
  startSglangTestEngine,
  type SglangTestEngine,
} from '../../support/sglang-test-engine';
import { authHeaders, makeSample, startGatewayFixture, TestStreamClient, TEST_TOKEN, type GatewayFixture } from '../gateway/gateway-fixture';
import { chatThroughGateway, servedSample } from '../gateway/serve-turn';
import { makeQwen3ModelFolder } from '../tokenizer/qwen3-model-folder';
import { useTrainingGateway } from './training-gateway';

const THINKING_OFF = { enable_thinking: false };
const REPLY = '你好！👍🏽 Glad to help — naïve café.';

function promptIdsFor(messages: { role: string; content: string }[]): number[] {
  return encodeText(renderChatTemplate(messages, THINKING_OFF));
}

function expectedLogprobs(promptIds: number[], responseIds: number[], version: string): number[] {
  return responseIds.map((id, i) => expectedTokenLogprob([...promptIds, ...responseIds.slice(0, i)], id, version));
}

/** Progress frames seen by a ws client, awaited by predicate. */
async function waitForProgress(client: TestStreamClient, match: (e: ProgressEvent) => boolean, timeoutMs = 30_000): Promise<ProgressEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = client.frames.find((f) => f.type === 'progress' && match(f.event));
    if (hit && hit.type === 'progress') return hit.event;
    if (Date.now() > deadline) throw new Error(`no matching progress event; frames: ${JSON.stringify(client.frames)}`);
    await client.waitForFrames(client.frames.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
  }
}

async function waitForAck(client: TestStreamClient, sampleId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!client.frames.some((f) => (f.type === 'ack' || f.type === 'reject') && f.sampleId === sampleId)) {
    if (Date.now() > deadline) throw new Error(`no ack for ${sampleId}`);
    await client.waitForFrames(client.frames.length + 1).catch(() => undefined);
  }
  const frame = client.frames.find((f) => (f.type === 'ack' || f.type === 'reject') && f.sampleId === sampleId)!;
  expect(frame.type).toBe('ack');
}

async function getBatch(gateway: Gateway, size: number, timeoutMs: number): Promise<TrainerSample[]> {
  const res = await fetch(`${gateway.url}/v1/trainer/batch?size=${size}&timeoutMs=${timeoutMs}`, { headers: authHeaders() });
  expect(res.status).toBe(200);
  return TrainerBatchResponseSchema.parse(await res.json()).batch;
}

function post(gateway: Gateway, path: string, body: unknown, token = TEST_TOKEN): Promise<Response> {
  return fetch(`${gateway.url}${path}`, { method: 'POST', headers: authHeaders(token), body: JSON.stringify(body) });
}

describe('gateway + sample builder + trainer API against the SGLang test engines', () => {
  let folder: ReturnType<typeof makeQwen3ModelFolder>;
  let teacher: SglangTestEngine;
  let fixture: GatewayFixture;
  let app: TestStreamClient;
  let training: TrainingHandle | null = null;

  beforeAll(async () => {
    folder = makeQwen3ModelFolder();
    teacher = await startSglangTestEngine({ weightVersion: 'teacher-frozen' });
    fixture = await startGatewayFixture(
      { teacherSglangUrl: teacher.url, weightsWaitMs: 20_000 },
      // Launched as the box README says (SGLANG_RETURN_ORIGINAL_LOGPROB=1), matching the gateway's default.
      { weightVersion: 'policy-v1', returnOriginalLogprob: true, behaviour: { reply: { kind: 'fixed', text: REPLY } } },
      {
        plugins: [
          createTrainingPlugin(
            { modelDir: folder.dir, onPolicySamplesPerHint: 1, teacherConcurrency: 2, judge: { votes: 3 } },
            (handle) => (training = handle),
          ),
        ],
      },
    );
    app = await TestStreamClient.connect(fixture.gateway);
    app.hello();
    await app.waitForFrames(1);
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.close();
    await teacher?.close();
    folder?.remove();
  });

  it('turns a served, hinted turn into exact samples: sampled ids, rollout and teacher log-probs', async () => {
    const messages: SignalSample['messages'] = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Say hello to me\n' },
    ];
    const turnId = 'turn-exact-1';
    const response = await chatThroughGateway(fixture.gateway, turnId, messages);
    expect(response).toBe(REPLY);
    const hint = 'Answer in English only, no emoji.';
    const sample = makeSample({
      turnId,
      messages,
      response,
      reward: -1,
      rewardSource: 'explicit',
      signalKind: 'correction',
      hint,
      nextState: { role: 'user', content: 'English please, and no emoji' },
    });
    app.send({ type: 'sample', sample });
    await waitForAck(app, sample.sampleId);
    const ready = await waitForProgress(app, (e) => e.kind === 'sample_ready' && e.sampleIds.includes(sample.sampleId));
    expect(ready).toMatchObject({ personaId: 'persona-1', metrics: { samples: 2, onPolicySamples: 1, reward: -1, teacher: 1, retokenized: 0 } });

    const batch = await getBatch(fixture.gateway, 2, 20_000);
    expect(batch.map((s) => s.sampleId)).toEqual([sample.sampleId, `${sample.sampleId}#onpolicy-0`]);
    const [served, onPolicy] = batch as [TrainerSample, TrainerSample];

    const promptIds = promptIdsFor(messages);
    const responseIds = [...encodeText(REPLY), eosTokenId()];
    expect(served.tokens).toEqual([...promptIds, ...responseIds]);
    expect(served.response_length).toBe(responseIds.length);
    expect(served.retokenized).toBe(false);
    expect(served.rollout_log_probs).toEqual(expectedLogprobs(promptIds, responseIds, 'policy-v1'));
    const teacherPrompt = promptIdsFor(appendHintToMessages(messages, hint));
    expect(served.teacher_log_probs).toEqual(expectedLogprobs(teacherPrompt, responseIds, 'teacher-frozen'));
    expect(served.loss_mask).toEqual(responseIds.map(() => 1));
    expect(served).toMatchObject({ reward: -1, personaId: 'persona-1', sourceSampleId: sample.sampleId, hint, policyVersion: 'policy-v1' });

    // The on-policy sample: the policy's own fresh reply to the same prompt, scored by the same teacher.
    const freshIds = onPolicy.tokens.slice(promptIds.length);
    expect(onPolicy.tokens.slice(0, promptIds.length)).toEqual(promptIds);
    expect(decodeIds(freshIds)).toBe(REPLY);
    expect(onPolicy.rollout_log_probs).toEqual(expectedLogprobs(promptIds, freshIds, 'policy-v1'));
    expect(onPolicy.teacher_log_probs).toEqual(expectedLogprobs(teacherPrompt, freshIds, 'teacher-frozen'));
    expect(onPolicy).toMatchObject({ reward: 0, retokenized: false, sourceSampleId: sample.sampleId });
    expect(onPolicy.loss_mask.every((m) => m === 1)).toBe(true);
    const regenerate = fixture.engine.requests.find((r) => r.path === '/generate' && (r.body as { sampling_params?: { temperature?: number } }).sampling_params?.temperature === 0.6);
    expect(regenerate?.body).toMatchObject({ input_ids: promptIds, return_logprob: true });

    // Report the step: the app's ws client hears which of its signals trained.
    const report = await post(fixture.gateway, '/v1/trainer/report', {
      step: 7,
      policyVersion: 'policy-v2',
      metrics: { loss: 0.25, kl: 0.01 },
      sampleIds: batch.map((s) => s.sampleId),
    });
    expect(report.status).toBe(200);
    expect(await report.json()).toEqual({ trained: batch.map((s) => s.sampleId), alreadyTrained: [], unknown: [], withdrawn: [] });
    const step = await waitForProgress(app, (e) => e.kind === 'training_step' && e.step === 7);
    expect(step).toMatchObject({ personaId: 'persona-1', sampleIds: [sample.sampleId], policyVersion: 'policy-v2' });
    expect(step.metrics).toEqual({ loss: 0.25, kl: 0.01, reward_mean: -0.5, samples: 2 });
    // Trained once: a second batch does not offer them again.
    expect(await getBatch(fixture.gateway, 2, 0)).toEqual([]);
  });

  it("never trains text the box's policy did not serve, and says so; a hint on it still drives on-policy regenerations", async () => {
    const messages: SignalSample['messages'] = [{ role: 'user', content: '用中文说你好' }];
    const response = '你好！😀 很高兴认识你。';
    const generateBefore = fixture.engine.requests.filter((r) => r.path === '/generate').length;
    const thumbed = makeSample({ turnId: 'served-elsewhere', messages, response, reward: 1, rewardSource: 'explicit', signalKind: 'thumb_up', hint: null });
    app.send({ type: 'sample', sample: thumbed });
    await waitForAck(app, thumbed.sampleId);
    const refused = await waitForProgress(app, (e) => e.kind === 'not_trained' && e.sampleIds.includes(thumbed.sampleId));
    expect(refused.message).toMatch(/^Not trained: not from your box's model/);
    expect(refused.verdict).toEqual({ decidedBy: 'user', reward: 1, judgeTally: null, fate: 'not_from_policy' });
    expect(training!.queue.sourceState(thumbed.sampleId)?.note).toMatchObject({ notFromPolicyBecause: expect.stringMatching(/did not serve this reply/) });
    // Nothing was scored for it, and nothing reaches the trainer.
    expect(fixture.engine.requests.filter((r) => r.path === '/generate').length).toBe(generateBefore);
    expect(await getBatch(fixture.gateway, 4, 0)).toEqual([]);

    // A served turn whose delivered text differs from what the policy wrote is refused too.
    const servedMessages: SignalSample['messages'] = [{ role: 'user', content: 'Say hello' }];
    const served = await servedSample(fixture.gateway, makeSample({ turnId: 'served-then-edited', messages: servedMessages }));
    const altered = { ...served, response: `${served.response} (as pasted from elsewhere)`, rewardSource: 'explicit' as const, signalKind: 'thumb_up' as const };
    app.send({ type: 'sample', sample: altered });
    const alteredEvent = await waitForProgress(app, (e) => e.kind === 'not_trained' && e.sampleIds.includes(altered.sampleId));
    expect(alteredEvent.message).toMatch(/not the text the box's policy served/);

    // A correction hint on another model's reply: the policy answers again with it; those samples train.
    const hinted = makeSample({ turnId: 'elsewhere-hinted', messages, response, reward: -1, rewardSource: 'explicit', signalKind: 'thumb_down', hint: 'Answer in English.' });
    app.send({ type: 'sample', sample: hinted });
    const regenerated = await waitForProgress(app, (e) => e.kind === 'not_trained' && e.sampleIds.includes(hinted.sampleId));
    expect(regenerated.message).toMatch(/The policy answered again with the hint: 1 on-policy sample ready/);
    const batch = await getBatch(fixture.gateway, 4, 0);
    expect(batch.map((s) => s.sampleId)).toEqual([`${hinted.sampleId}#onpolicy-0`]);
    expect(decodeIds(batch[0]!.tokens.slice(batch[0]!.tokens.length - batch[0]!.response_length))).toBe(REPLY);
    expect(batch[0]).toMatchObject({ reward: 0, retokenized: false, hint: 'Answer in English.' });
    await post(fixture.gateway, '/v1/trainer/report', { step: 8, policyVersion: 'policy-v1', metrics: {}, sampleIds: batch.map((s) => s.sampleId) });
  });

  it('lets the judge (3 votes, majority) decide every inferred reward; the app verdict is only evidence', async () => {
    const judgeCallsBefore = teacher.requests.filter((r) => r.path === '/v1/chat/completions').length;
    // Two of three votes say the "thanks" the detector read as +1 was a complaint: −1 trains.
    teacher.setBehaviour({ judge: { votes: [-1, 1, -1], hint: 'Give the number first.' } });
    const messages: SignalSample['messages'] = [{ role: 'user', content: 'How many moons has Mars?' }];
    const overruled = await servedSample(
      fixture.gateway,
      makeSample({ turnId: 'judged-1', messages, reward: 1, rewardSource: 'heuristic', signalKind: 'positive', confidence: 0.95, nextState: { role: 'user', content: 'thanks for nothing' } }),
    );
    app.send({ type: 'sample', sample: overruled });
    const ready = await waitForProgress(app, (e) => e.kind === 'sample_ready' && e.sampleIds.includes(overruled.sampleId));
    expect(ready.verdict).toEqual({ decidedBy: 'judge', reward: -1, judgeTally: { plus: 1, minus: 2, zero: 0, invalid: 0 }, fate: 'will_train' });
    expect(ready.message).toMatch(/decided by the judge \(2-1\)/);
    const judgeCalls = teacher.requests.filter((r) => r.path === '/v1/chat/completions').slice(judgeCallsBefore);
    // m = 3 score votes and 3 hint votes, at temperature 0.6, with a budget a thinking judge can finish in.
    expect(judgeCalls).toHaveLength(6);
    for (const call of judgeCalls) expect(call.body).toMatchObject({ temperature: 0.6, max_tokens: 8_192 });
    const [served, onPolicy] = await getBatch(fixture.gateway, 2, 20_000);
    // The judge's hint (from the next state) fills in where the user gave none.
    expect(served).toMatchObject({ sampleId: overruled.sampleId, reward: -1, hint: 'Give the number first.' });
    expect(served!.teacher_log_probs).not.toBeNull();
    expect(onPolicy?.sampleId).toBe(`${overruled.sampleId}#onpolicy-0`);
    await post(fixture.gateway, '/v1/trainer/report', { step: 9, policyVersion: 'policy-v1', metrics: {}, sampleIds: [served!.sampleId, onPolicy!.sampleId] });

    // A tie (1-1-1) or no valid vote is 0: nothing trains, and the app hears why.
    teacher.setBehaviour({ judge: { votes: [1, -1, 0], hint: null } });
    const tied = await servedSample(
      fixture.gateway,
      makeSample({ turnId: 'judged-2', messages, reward: -1, rewardSource: 'heuristic', signalKind: 'correction', confidence: 0.9, nextState: { role: 'user', content: 'add a field for the year' } }),
    );
    app.send({ type: 'sample', sample: tied });
    const none = await waitForProgress(app, (e) => e.kind === 'not_trained' && e.sampleIds.includes(tied.sampleId));
    expect(none.verdict).toEqual({ decidedBy: 'judge', reward: 0, judgeTally: { plus: 1, minus: 1, zero: 1, invalid: 0 }, fate: 'no_signal' });
    expect(training!.queue.sourceState(tied.sampleId)?.note).toMatchObject({ judgeVotes: expect.arrayContaining([1, -1, 0]) });

    // A sample with no next state cannot be judged; the detector's unsure reward 0 has nothing to train.
    const silent = await servedSample(fixture.gateway, makeSample({ turnId: 'judged-3', messages, reward: 0, rewardSource: 'heuristic', signalKind: 'neutral', nextState: null }));
    app.send({ type: 'sample', sample: silent });
    const quiet = await waitForProgress(app, (e) => e.kind === 'not_trained' && e.sampleIds.includes(silent.sampleId));
    expect(quiet.verdict).toMatchObject({ decidedBy: 'detector', reward: 0, fate: 'no_signal' });
    await training!.worker.idle();
    expect(await getBatch(fixture.gateway, 4, 0)).toEqual([]);
    teacher.setBehaviour({ judge: null });
  });

  it('holds chat during a weight update, serves it after, and publishes the new policy version', async () => {
    expect((await post(fixture.gateway, '/v1/trainer/weights', { state: 'updating', policyVersion: null })).status).toBe(200);
    expect(fixture.gateway.policy.weightsUpdating).toBe(true);
    const chatsBefore = fixture.engine.requests.filter((r) => r.path === '/v1/chat/completions').length;
    const chat = chatThroughGateway(fixture.gateway, 'turn-during-update', [{ role: 'user', content: 'still there?' }]);
    // The proxy holds the request: SGLang has not seen it while the update runs.
    await new Promise((r) => setImmediate(r));
    expect(fixture.engine.requests.filter((r) => r.path === '/v1/chat/completions').length).toBe(chatsBefore);
    const readyAt = Date.now();
    const ready = await post(fixture.gateway, '/v1/trainer/weights', { state: 'ready', policyVersion: 'policy-v3' });
    expect(await ready.json()).toEqual({ state: 'ready', policyVersion: 'policy-v3', updating: false, activeReplies: 0, activeBuilds: 0 });
    expect(await chat).toBe(REPLY);
    const served = fixture.engine.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    expect(served.at).toBeGreaterThanOrEqual(readyAt);
    const event = await waitForProgress(app, (e) => e.kind === 'policy_version' && e.policyVersion === 'policy-v3');
    expect(event.personaId).toBe('persona-1');
  });

  it('answers bad trainer requests with 400 and a clear message, and wants the token', async () => {
    const gw = fixture.gateway;
    for (const query of ['size=0', 'size=abc', 'timeoutMs=5', 'size=2&timeoutMs=-1']) {
      const res = await fetch(`${gw.url}/v1/trainer/batch?${query}`, { headers: authHeaders() });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/invalid batch query/);
    }
    const badReport = await post(gw, '/v1/trainer/report', { step: -1, sampleIds: 'x' });
    expect(badReport.status).toBe(400);
    expect(((await badReport.json()) as { error: { message: string } }).error.message).toMatch(/invalid trainer report/);
    const badWeights = await post(gw, '/v1/trainer/weights', { state: 'loading' });
    expect(badWeights.status).toBe(400);
    const notJson = await fetch(`${gw.url}/v1/trainer/report`, { method: 'POST', headers: authHeaders(), body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${gw.url}/v1/trainer/batch?size=1&timeoutMs=0`)).status).toBe(401);
    expect((await post(gw, '/v1/trainer/report', { step: 1, policyVersion: 'x', metrics: {}, sampleIds: [] }, 'wrong-token-0123456789')).status).toBe(401);
  });
});

describe('the training queue across a gateway restart', () => {
  const box = useTrainingGateway({ training: { leaseMs: 1_500 } });

  it('re-offers a sample leased before the restart once its lease lapses, and builds what was stored meanwhile', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const first = await servedSample(box.fixture.gateway, makeSample({ reward: 1, rewardSource: 'explicit', signalKind: 'thumb_up' }));
    app.send({ type: 'sample', sample: first });
    await waitForAck(app, first.sampleId);
    const leased = await getBatch(box.fixture.gateway, 1, 20_000);
    expect(leased.map((s) => s.sampleId)).toEqual([first.sampleId]);
    await app.close();
    await box.fixture.gateway.close();

    // A sample stored by a gateway running without the training side must still be built later.
    const bare = await startGateway({ sglangUrl: box.fixture.engine.url, token: TEST_TOKEN, dataDir: box.fixture.dataDir, port: 0 }, { log: () => undefined });
    const second = await servedSample(bare, makeSample({ reward: -1, rewardSource: 'explicit', signalKind: 'thumb_down' }));
    const app2 = await TestStreamClient.connect(bare);
    app2.hello();
    app2.send({ type: 'sample', sample: second });
    await waitForAck(app2, second.sampleId);
    await app2.close();
    await bare.close();

    box.fixture.gateway = await box.fixture.restart();
    const again = await getBatch(box.fixture.gateway, 2, 30_000);
    expect(again.map((s) => s.sampleId).sort()).toEqual([first.sampleId, second.sampleId].sort());
    expect(again.find((s) => s.sampleId === first.sampleId)).toEqual(leased[0]);
  });
});

describe('a weight update that outlasts the chat wait', () => {
  const box = useTrainingGateway({ config: { weightsWaitMs: 200, weightsRetryAfterSeconds: 7 } });

  it('answers chat with an explained 503 and Retry-After, never a bare one', async () => {
    await post(box.fixture.gateway, '/v1/trainer/weights', { state: 'updating', policyVersion: null });
    const res = await fetch(`${box.fixture.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: authHeaders(),
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('weights_updating');
    expect(body.error.message.length).toBeGreaterThan(10);
    await post(box.fixture.gateway, '/v1/trainer/weights', { state: 'ready', policyVersion: null });
    expect(box.fixture.gateway.policy.weightsUpdating).toBe(false);
  });
});

describe('a trainer that dies during a weight update', () => {
  const box = useTrainingGateway({ training: { maxWeightUpdateMs: 1_000, weightHeartbeatHoldMs: 1_000 } });

  async function untilServing(deadlineMs: number): Promise<number> {
    const start = Date.now();
    while (box.fixture.gateway.policy.weightsUpdating) {
      if (Date.now() - start > deadlineMs) throw new Error('chat still held');
      await new Promise((r) => setTimeout(r, 10));
    }
    return Date.now() - start;
  }

  it('holds chat only while heartbeats come, and a heartbeat never starts a hold', async () => {
    const heartbeat = { state: 'updating', policyVersion: null, heartbeat: true };
    expect(await (await post(box.fixture.gateway, '/v1/trainer/weights', heartbeat)).json()).toMatchObject({ updating: false });
    expect(box.fixture.gateway.policy.weightsUpdating).toBe(false);

    await post(box.fixture.gateway, '/v1/trainer/weights', { state: 'updating', policyVersion: null });
    // Heartbeats for 2.5× the hold: chat stays held throughout.
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      const answer = (await (await post(box.fixture.gateway, '/v1/trainer/weights', heartbeat)).json()) as { updating: boolean };
      expect(answer.updating).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The trainer dies: no heartbeat, no 'ready'. Chat is served again after the hold, not 30 minutes.
    await untilServing(20_000);
    const res = await fetch(`${box.fixture.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: authHeaders(),
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
  });
});

describe('building when SGLang fails', () => {
  const box = useTrainingGateway({ training: { maxBuildAttempts: 3, retryBaseMs: 50, retryMaxMs: 200 } });

  it('waits out 5xx answers without using up attempts, and gives up on requests the engine refuses', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const thumb = { rewardSource: 'explicit', signalKind: 'thumb_up' } as const;
    const recovers = await servedSample(box.fixture.gateway, makeSample({ turnId: 'served-1', ...thumb }));
    const doomed = await servedSample(box.fixture.gateway, makeSample({ turnId: 'served-2', ...thumb }));
    // Scoring the served reply's end token needs /generate: 503 (loading) more times than maxBuildAttempts.
    box.fixture.engine.setBehaviour({ failure: { kind: 'http', status: 503, message: 'server is loading', times: 6 } });
    app.send({ type: 'sample', sample: recovers });
    await waitForProgress(app, (e) => e.kind === 'sample_ready' && e.sampleIds.includes(recovers.sampleId));
    expect(box.training.queue.sourceState(recovers.sampleId)).toMatchObject({ state: 'built', lastError: null, attempts: 1, outages: 6 });

    box.fixture.engine.setBehaviour({ failure: { kind: 'http', status: 400, message: 'input is too long', times: 10 } });
    app.send({ type: 'sample', sample: doomed });
    const error = await waitForProgress(app, (e) => e.kind === 'error' && e.sampleIds.includes(doomed.sampleId));
    expect(error.message).toMatch(/input is too long/);
    expect(error.metrics).toEqual({ attempts: 3 });
    expect(box.training.queue.sourceState(doomed.sampleId)).toMatchObject({ state: 'failed', attempts: 3 });
    box.fixture.engine.setBehaviour({ failure: null });
    await app.close();
  });
});

describe('a build that failed for good', () => {
  const box = useTrainingGateway({ training: { maxBuildAttempts: 2, retryBaseMs: 20, retryMaxMs: 100 } });

  const errorsFor = (sampleId: string) =>
    box.fixture.gateway.progressLog.listAfter(0).filter((e) => e.kind === 'error' && e.sampleIds.includes(sampleId));

  it('stays failed with one error event through an engine recovery and a gateway restart', async () => {
    let app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const thumb = { rewardSource: 'explicit', signalKind: 'thumb_up' } as const;
    const doomed = await servedSample(box.fixture.gateway, makeSample({ turnId: 'refused-1', ...thumb }));
    const recovers = await servedSample(box.fixture.gateway, makeSample({ turnId: 'after-outage-1', ...thumb }));
    box.fixture.engine.setBehaviour({ failure: { kind: 'http', status: 400, message: 'input is too long', times: 2 } });
    app.send({ type: 'sample', sample: doomed });
    await waitForProgress(app, (e) => e.kind === 'error' && e.sampleIds.includes(doomed.sampleId));
    expect(box.training.queue.sourceState(doomed.sampleId)).toMatchObject({ state: 'failed', attempts: 2, permanent: true });

    // An outage ends with a good build: only sources that failed for a passing reason are retried.
    box.fixture.engine.setBehaviour({ failure: { kind: 'http', status: 503, message: 'loading', times: 2 } });
    app.send({ type: 'sample', sample: recovers });
    await waitForProgress(app, (e) => e.kind === 'sample_ready' && e.sampleIds.includes(recovers.sampleId));
    await box.training.worker.idle();
    expect(box.training.queue.sourceState(doomed.sampleId)).toMatchObject({ state: 'failed', attempts: 2 });
    await app.close();

    await box.fixture.gateway.close();
    box.fixture.gateway = await box.fixture.restart();
    app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const later = await servedSample(box.fixture.gateway, makeSample({ turnId: 'after-restart-1', ...thumb }));
    app.send({ type: 'sample', sample: later });
    await waitForProgress(app, (e) => e.kind === 'sample_ready' && e.sampleIds.includes(later.sampleId));
    await box.training.worker.idle();
    expect(box.training.queue.sourceState(doomed.sampleId)).toMatchObject({ state: 'failed', attempts: 2, permanent: true });
    expect(errorsFor(doomed.sampleId)).toHaveLength(1);
    await app.close();
  });
});

describe('a sample the engine always fails on (5xx)', () => {
  const POISON = 'POISON-PILL';
  const box = useTrainingGateway({
    training: { maxBuildAttempts: 3, maxBuildServerErrors: 6, retryBaseMs: 10, retryMaxMs: 40 },
    engine: {
      behaviour: {
        // The engine crashes on one prompt only (the test engine answers a thrown error with a 500).
        reply: {
          kind: 'function',
          reply: (ctx) => {
            if (ctx.promptText.includes(POISON)) throw new Error('CUDA error: device-side assert triggered');
            return 'ok';
          },
        },
      },
    },
  });

  // An inferred turn: the box judge reads its request, and the engine fails on every vote.
  const poisoned = () => makeSample({ messages: [{ role: 'user', content: `Repeat ${POISON}` }] });
  const errorsFor = (sampleId: string) =>
    box.fixture.gateway.progressLog.listAfter(0).filter((e) => e.kind === 'error' && e.sampleIds.includes(sampleId));

  it('gives up after the cap of 5xx answers, telling the user once', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const alone = poisoned();
    app.send({ type: 'sample', sample: alone });
    const error = await waitForProgress(app, (e) => e.kind === 'error' && e.sampleIds.includes(alone.sampleId), 60_000);
    expect(error.message).toMatch(/failed it 6 times.*device-side assert/);
    await box.training.worker.idle();
    expect(box.training.queue.sourceState(alone.sampleId)).toMatchObject({ state: 'failed', outages: 5, attempts: 1, permanent: true });
    expect(errorsFor(alone.sampleId)).toHaveLength(1);
    await app.close();
  });

  it('counts a 5xx as an attempt while other samples build fine in between', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    // Served before the bad one arrives, so each good build follows the last without delay.
    const goods: SignalSample[] = [];
    for (let i = 0; i < 20; i++) goods.push(await servedSample(box.fixture.gateway, makeSample({ rewardSource: 'explicit', signalKind: 'thumb_up' })));
    const bad = poisoned();
    app.send({ type: 'sample', sample: bad });
    await waitForAck(app, bad.sampleId);
    // Good samples keep building while the bad one is retried: the engine is clearly up.
    for (const good of goods) {
      if (box.training.queue.sourceState(bad.sampleId)?.state !== 'pending') break;
      app.send({ type: 'sample', sample: good });
      await waitForProgress(app, (e) => e.kind === 'sample_ready' && e.sampleIds.includes(good.sampleId));
    }
    const error = await waitForProgress(app, (e) => e.kind === 'error' && e.sampleIds.includes(bad.sampleId));
    expect(error.metrics).toEqual({ attempts: 3 });
    expect(error.message).toMatch(/device-side assert/);
    await box.training.worker.idle();
    const state = box.training.queue.sourceState(bad.sampleId)!;
    expect(state).toMatchObject({ state: 'failed', attempts: 3, permanent: true });
    expect(state.outages).toBeLessThan(5); // given up on attempts, not on the cap
    expect(errorsFor(bad.sampleId)).toHaveLength(1);
    await app.close();
  });
});

describe('building through an SGLang outage', () => {
  let down: SglangTestEngine | null = null;
  let port = 0;
  const box = useTrainingGateway(async () => {
    // A port where nothing listens yet: the policy engine "comes up" there later.
    const probe = await startSglangTestEngine();
    port = probe.port;
    await probe.close();
    return {
      config: { sglangUrl: `http://127.0.0.1:${port}` },
      training: { maxBuildAttempts: 3, retryBaseMs: 5, retryMaxMs: 20 },
    };
  });
  afterAll(async () => {
    await down?.close();
  });

  it('keeps a sample through 20 unreachable tries and judges it once the engine is up', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const sample = makeSample({ turnId: 'built-after-outage' });
    app.send({ type: 'sample', sample });
    await waitForAck(app, sample.sampleId);
    const deadline = Date.now() + 60_000;
    while ((box.training.queue.sourceState(sample.sampleId)?.outages ?? 0) < 20) {
      if (Date.now() > deadline) throw new Error(`only ${box.training.queue.sourceState(sample.sampleId)?.outages} tries in 60 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(box.training.queue.sourceState(sample.sampleId)).toMatchObject({ state: 'pending', attempts: 0, lastError: expect.stringMatching(/unreachable/) });
    // The judge it waited for is up: it votes, and the reply (never served by this policy) is refused.
    down = await startSglangTestEngine({ port, weightVersion: 'back-up', behaviour: { judge: { votes: [1, 1, 1], hint: null } } });
    const settled = await waitForProgress(app, (e) => e.kind === 'not_trained' && e.sampleIds.includes(sample.sampleId));
    expect(settled.verdict).toEqual({ decidedBy: 'judge', reward: 1, judgeTally: { plus: 3, minus: 0, zero: 0, invalid: 0 }, fate: 'not_from_policy' });
    expect(box.training.queue.sourceState(sample.sampleId)?.state).toBe('built');
    await app.close();
  });
});

import { describe, expect, it } from 'vitest';
import type { ProgressEvent, SignalSample } from '../../../shared/protocol/box-stream';
import { TrainerBatchResponseSchema, type TrainerSample } from '../../../shared/protocol/trainer-api';
import type { Gateway } from '../../../box/gateway/server';
import { authHeaders, makeSample, TestStreamClient } from '../gateway/gateway-fixture';
import { servedSample } from '../gateway/serve-turn';
import { useTrainingGateway } from './training-gateway';

async function waitFor<T>(read: () => T | undefined, what: string, client?: TestStreamClient, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${client ? `; frames: ${JSON.stringify(client.frames)}` : ''}`);
    if (client) await client.waitForFrames(client.frames.length + 1, 500).catch(() => undefined);
    else await new Promise((r) => setTimeout(r, 20));
  }
}

function progress(client: TestStreamClient, kind: ProgressEvent['kind'], sampleId: string): Promise<ProgressEvent> {
  return waitFor(
    () => {
      const hit = client.frames.find((f) => f.type === 'progress' && f.event.kind === kind && f.event.sampleIds.includes(sampleId));
      return hit?.type === 'progress' ? hit.event : undefined;
    },
    `${kind} for ${sampleId}`,
    client,
  );
}

function answered(client: TestStreamClient, sampleId: string): Promise<number> {
  return waitFor(() => {
    const n = client.frames.filter((f) => f.type === 'withdrawn' && f.sampleId === sampleId).length;
    return n > 0 ? n : undefined;
  }, `withdrawn answer for ${sampleId}`, client);
}

async function batch(gateway: Gateway, size: number, timeoutMs = 0): Promise<TrainerSample[]> {
  const res = await fetch(`${gateway.url}/v1/trainer/batch?size=${size}&timeoutMs=${timeoutMs}`, { headers: authHeaders() });
  return TrainerBatchResponseSchema.parse(await res.json()).batch;
}

function post(gateway: Gateway, path: string, body: unknown): Promise<Response> {
  return fetch(`${gateway.url}${path}`, { method: 'POST', headers: authHeaders(), body: JSON.stringify(body) });
}

const thumb = (gateway: Gateway): Promise<SignalSample> =>
  servedSample(gateway, makeSample({ rewardSource: 'explicit', signalKind: 'thumb_up', reward: 1 }));

function withdraw(client: TestStreamClient, sample: SignalSample): void {
  client.send({ type: 'withdraw', sampleId: sample.sampleId, personaId: sample.personaId, at: Date.now() });
}

describe('withdrawing a removed signal on the box', () => {
  const box = useTrainingGateway({ training: { onPolicySamplesPerHint: 0 } });

  it('keeps a sample removed before training out of every batch, and says so once', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const sample = await thumb(box.fixture.gateway);
    app.send({ type: 'sample', sample });
    await progress(app, 'sample_ready', sample.sampleId);
    withdraw(app, sample);
    await answered(app, sample.sampleId);
    const event = await progress(app, 'withdrawn', sample.sampleId);
    expect(event.verdict).toEqual({ decidedBy: 'user', reward: 0, judgeTally: null, fate: 'removed' });
    expect(event.message).toMatch(/^Removed: this signal will not train/);
    expect(await batch(box.fixture.gateway, 8)).toEqual([]);
    expect(box.training.queue.sampleState(sample.sampleId)?.state).toBe('superseded');

    // A repeat (the app resending after a reconnect) is answered again and changes nothing.
    withdraw(app, sample);
    await waitFor(() => (app.frames.filter((f) => f.type === 'withdrawn').length >= 2 ? true : undefined), 'second answer', app);
    await box.training.worker.idle();
    expect(box.fixture.gateway.progressLog.listAfter(0).filter((e) => e.kind === 'withdrawn' && e.sampleIds.includes(sample.sampleId))).toHaveLength(1);
    await app.close();
  });

  it('drops a removed sample from a batch the trainer already holds', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const sample = await thumb(box.fixture.gateway);
    app.send({ type: 'sample', sample });
    await progress(app, 'sample_ready', sample.sampleId);
    const leased = await batch(box.fixture.gateway, 1);
    expect(leased.map((s) => s.sampleId)).toEqual([sample.sampleId]);
    withdraw(app, sample);
    await progress(app, 'withdrawn', sample.sampleId);
    const confirm = await post(box.fixture.gateway, '/v1/trainer/confirm', { sampleIds: [sample.sampleId] });
    expect(await confirm.json()).toEqual({ withdrawn: [sample.sampleId] });
    const report = await post(box.fixture.gateway, '/v1/trainer/report', { step: 1, policyVersion: 'v1', metrics: {}, sampleIds: [sample.sampleId] });
    expect(await report.json()).toMatchObject({ trained: [], withdrawn: [sample.sampleId] });
    await app.close();
  });

  it('reverts a sample removed after training: left out of later steps and of the re-offer after a trainer restart', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const sample = await thumb(box.fixture.gateway);
    app.send({ type: 'sample', sample });
    await progress(app, 'sample_ready', sample.sampleId);
    const leased = await batch(box.fixture.gateway, 1);
    expect(leased.map((s) => s.sampleId)).toEqual([sample.sampleId]);
    // Trained in step 5, but only step 4 is saved: a restart at 5 would offer it again.
    await post(box.fixture.gateway, '/v1/trainer/report', { step: 5, policyVersion: 'v5', metrics: {}, sampleIds: [sample.sampleId], savedThroughStep: 4 });
    expect(box.training.queue.sampleState(sample.sampleId)?.state).toBe('trained_unsaved');
    withdraw(app, sample);
    const event = await progress(app, 'withdrawn', sample.sampleId);
    expect(event).toMatchObject({ step: 5, verdict: { fate: 'reverted' } });
    expect(event.message).toMatch(/^Reverted: training step 5 had already used this signal/);
    await post(box.fixture.gateway, '/v1/trainer/weights', { state: 'ready', policyVersion: 'v4', restartedAtStep: 5 });
    expect(await batch(box.fixture.gateway, 8)).toEqual([]);
    expect(box.training.queue.sampleState(sample.sampleId)?.state).toBe('superseded');
    await app.close();
  });

  it('remembers a withdrawal that arrives before its sample, and one recorded while the training side was down', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    const early = await thumb(box.fixture.gateway);
    withdraw(app, early);
    await answered(app, early.sampleId);
    const event = await progress(app, 'withdrawn', early.sampleId);
    expect(event.message).toMatch(/before it reached training/);
    app.send({ type: 'sample', sample: early });
    await waitFor(() => (app.frames.some((f) => f.type === 'ack' && f.sampleId === early.sampleId) ? true : undefined), 'ack', app);
    await box.training.worker.idle();
    expect(box.training.queue.sourceState(early.sampleId)?.state).toBe('superseded');
    expect(await batch(box.fixture.gateway, 8)).toEqual([]);
    await app.close();
  });

  it('refuses a malformed withdrawal with a clear error', async () => {
    const app = await TestStreamClient.connect(box.fixture.gateway);
    app.hello();
    await app.waitForFrames(1);
    app.send({ type: 'withdraw', sampleId: '', personaId: 'p' });
    const error = await waitFor(() => {
      const hit = app.frames.find((f) => f.type === 'error');
      return hit?.type === 'error' ? hit : undefined;
    }, 'error frame', app);
    expect(error.message).toMatch(/invalid "withdraw" frame/);
    await app.close();
  });
});

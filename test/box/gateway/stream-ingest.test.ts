import Database from 'better-sqlite3';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { BOX_DATABASE_FILE } from '../../../box/gateway/gateway-config';
import { CLOSE_BAD_FRAME, CLOSE_INCOMPATIBLE, type ServerFrame } from '../../../shared/protocol/box-stream';
import { TestStreamClient, TEST_TOKEN, makeSample, startGatewayFixture, streamUrl, type GatewayFixture } from './gateway-fixture';

let fixture: GatewayFixture | null = null;
const clients: TestStreamClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await fixture?.close();
  fixture = null;
});

async function connect(token?: string, options?: WebSocket.ClientOptions): Promise<TestStreamClient> {
  const client = await TestStreamClient.connect(fixture!.gateway, token, options);
  clients.push(client);
  return client;
}

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('upgrade was accepted'));
    });
    ws.on('error', () => undefined);
  });
}

describe('box stream ingest: auth', () => {
  it('answers the upgrade with HTTP 401 and no socket without the right bearer token', async () => {
    fixture = await startGatewayFixture();
    const url = streamUrl(fixture.gateway);
    expect(await upgradeStatus(url, {})).toBe(401);
    expect(await upgradeStatus(url, { authorization: 'Bearer wrong-token-wrong-token' })).toBe(401);
    expect(await upgradeStatus(url, { authorization: TEST_TOKEN })).toBe(401);
    expect(await upgradeStatus(url.replace('/v1/stream', '/v1/other'), { authorization: `Bearer ${TEST_TOKEN}` })).toBe(404);
    expect(fixture.gateway.connectedClients()).toBe(0);

    // HTTP routes: only /health is public.
    expect((await fetch(`${fixture.gateway.url}/health`)).status).toBe(200);
    const denied = await fetch(`${fixture.gateway.url}/v1/models`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { type: 'authentication_error' } });
  });
});

describe('box stream ingest: protocol', () => {
  it('answers an unknown protocol with an incompatible frame and close 4426', async () => {
    fixture = await startGatewayFixture();
    const client = await connect();
    client.send({ type: 'hello', protocol: 2, clientId: 'future-app', progressAfter: 0, newField: true });
    const [frame] = await client.waitForFrames(1);
    expect(frame).toMatchObject({ type: 'incompatible', supported: [1] });
    expect((await client.waitForClose()).code).toBe(CLOSE_INCOMPATIBLE);
  });

  it('welcomes a v1 hello with the policy version SGLang reports', async () => {
    fixture = await startGatewayFixture({}, { weightVersion: 'w-7' });
    const client = await connect();
    client.hello();
    const [welcome] = await client.waitForFrames(1);
    expect(welcome).toMatchObject({ type: 'welcome', protocol: 1, policyVersion: 'w-7' });
    expect(fixture.gateway.connectedClients()).toBe(1);
  });

  it("names the box in welcome: the same id across restarts, a new one for a new data dir", async () => {
    fixture = await startGatewayFixture();
    const first = await connect();
    first.hello();
    const [welcome] = await first.waitForFrames(1);
    const boxId = fixture.gateway.boxId;
    expect(boxId).toMatch(/^box-[0-9a-f-]{36}$/);
    expect(welcome).toMatchObject({ type: 'welcome', boxId });
    expect(await (await fetch(`${fixture.gateway.url}/health`)).json()).toMatchObject({ boxId });

    await first.close();
    clients.length = 0;
    await fixture.gateway.close();
    await fixture.restart();
    const again = await connect();
    again.hello();
    expect((await again.waitForFrames(1))[0]).toMatchObject({ type: 'welcome', boxId });

    // A reset box (fresh data dir) is a different box.
    const other = await startGatewayFixture();
    try {
      expect(other.gateway.boxId).toMatch(/^box-/);
      expect(other.gateway.boxId).not.toBe(boxId);
    } finally {
      await other.close();
    }
  });

  it('closes with 4400 when the first frame is not hello', async () => {
    fixture = await startGatewayFixture();
    const client = await connect();
    client.send({ type: 'sample', sample: makeSample() });
    const [frame] = await client.waitForFrames(1);
    expect(frame).toMatchObject({ type: 'error', message: expect.stringContaining('hello') });
    expect((await client.waitForClose()).code).toBe(CLOSE_BAD_FRAME);
    expect(fixture.gateway.sampleLog.count()).toBe(0);
  });

  it('rejects invalid samples with their id, answers other bad frames with error, and keeps going', async () => {
    fixture = await startGatewayFixture();
    const client = await connect();
    client.hello();
    await client.waitForFrames(1);
    client.send('{not json');
    client.send({ type: 'sample', sample: { ...makeSample({ sampleId: 'bad-reward' }), reward: 5 } });
    client.send({ type: 'sample', sample: { response: 'no id at all' } });
    client.send({ type: 'mystery' });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const good = makeSample();
    client.send({ type: 'sample', sample: good });
    const frames = (await client.waitForFrames(7)).slice(1);
    expect(frames[0]).toMatchObject({ type: 'error', message: expect.stringContaining('not valid JSON') });
    expect(frames[1]).toMatchObject({ type: 'reject', sampleId: 'bad-reward', error: expect.stringContaining('reward') });
    expect(frames[2]).toMatchObject({ type: 'error' });
    expect(frames[3]).toMatchObject({ type: 'error' });
    expect(frames[4]).toMatchObject({ type: 'error', message: expect.stringContaining('binary') });
    expect(frames[5]).toEqual({ type: 'ack', sampleId: good.sampleId, duplicate: false });
    expect(fixture.gateway.sampleLog.count()).toBe(1);
    expect(fixture.gateway.sampleLog.get('bad-reward')).toBeNull();
  });

  it('refuses frames over the size limit by closing with 1009', async () => {
    fixture = await startGatewayFixture({ maxFrameBytes: 4_096 });
    const client = await connect();
    client.hello();
    await client.waitForFrames(1);
    client.send({ type: 'sample', sample: makeSample({ response: 'x'.repeat(10_000) }) });
    expect((await client.waitForClose()).code).toBe(1009);
    expect(fixture.gateway.sampleLog.count()).toBe(0);
  });

  it('drops a peer that stops answering pings', async () => {
    fixture = await startGatewayFixture({ heartbeatMs: 100 });
    const silent = await connect(TEST_TOKEN, { autoPong: false });
    silent.hello();
    await silent.waitForFrames(1);
    const closed = await silent.waitForClose();
    expect(closed.code).toBe(1006); // terminated, no close frame
    expect(fixture.gateway.connectedClients()).toBe(0);
  });
});

describe('box stream ingest: durable samples', () => {
  it('acks a repeat as duplicate, stores it once and fires sampleStored once', async () => {
    fixture = await startGatewayFixture();
    const stored: string[] = [];
    fixture.gateway.hooks.on('sampleStored', ({ sample }) => {
      stored.push(sample.sampleId);
    });
    fixture.gateway.hooks.on('sampleStored', () => {
      throw new Error('a broken listener must not break acks');
    });
    const client = await connect();
    client.hello();
    const sample = makeSample({ hint: 'Be shorter.' });
    client.send({ type: 'sample', sample });
    client.send({ type: 'sample', sample });
    const frames = await client.waitForFrames(3);
    expect(frames[1]).toEqual({ type: 'ack', sampleId: sample.sampleId, duplicate: false });
    expect(frames[2]).toEqual({ type: 'ack', sampleId: sample.sampleId, duplicate: true });
    expect(fixture.gateway.sampleLog.count()).toBe(1);
    expect(fixture.gateway.sampleLog.get(sample.sampleId)?.sample).toEqual(sample);
    expect(stored).toEqual([sample.sampleId]);
    expect(fixture.logs.some((l) => l.includes('a broken listener'))).toBe(true);
  });

  it('has the row committed when the ack arrives, and keeps it across a restart', async () => {
    fixture = await startGatewayFixture();
    const client = await connect();
    client.hello();
    const sample = makeSample();
    client.send({ type: 'sample', sample });
    const frames = await client.waitForFrames(2);
    expect(frames[1]).toMatchObject({ type: 'ack', sampleId: sample.sampleId });

    // A second connection sees only committed data: the row must be there the moment the ack is.
    const reader = new Database(join(fixture.dataDir, BOX_DATABASE_FILE), { readonly: true });
    try {
      const row = reader.prepare('SELECT body FROM samples WHERE sample_id = ?').get(sample.sampleId) as { body: string } | undefined;
      expect(row && JSON.parse(row.body)).toEqual(sample);
    } finally {
      reader.close();
    }

    await client.close();
    clients.length = 0;
    await fixture.gateway.close();
    const restarted = await fixture.restart();
    expect(restarted.sampleLog.get(sample.sampleId)?.sample).toEqual(sample);

    const again = await connect();
    again.hello();
    again.send({ type: 'sample', sample });
    const replayed = await again.waitForFrames(2);
    expect(replayed[1]).toEqual({ type: 'ack', sampleId: sample.sampleId, duplicate: true });
  });
});

describe('box stream ingest: a write that fails', () => {
  it('answers retry (not ack) when the sample cannot be stored, and stores it when it comes again', async () => {
    fixture = await startGatewayFixture();
    const failing = makeSample();
    const fine = makeSample();
    // A real SQLite failure on the gateway's own connection, for this one sample only.
    fixture.gateway.db.exec(
      `CREATE TRIGGER fail_one BEFORE INSERT ON samples WHEN NEW.sample_id = '${failing.sampleId}'
       BEGIN SELECT RAISE(ABORT, 'disk is full (test)'); END`,
    );
    const client = await connect();
    client.hello();
    client.send({ type: 'sample', sample: failing });
    client.send({ type: 'sample', sample: fine });
    const frames = await client.waitForFrames(3);
    expect(frames[1]).toEqual({ type: 'retry', sampleId: failing.sampleId, error: expect.stringContaining('disk is full (test)') });
    expect(frames[2]).toEqual({ type: 'ack', sampleId: fine.sampleId, duplicate: false });
    expect(fixture.gateway.sampleLog.get(failing.sampleId)).toBeNull();
    expect(fixture.logs.some((l) => l.startsWith('error:') && l.includes(failing.sampleId))).toBe(true);

    fixture.gateway.db.exec('DROP TRIGGER fail_one');
    client.send({ type: 'sample', sample: failing });
    const [, , , again] = await client.waitForFrames(4);
    expect(again).toEqual({ type: 'ack', sampleId: failing.sampleId, duplicate: false });
    expect(fixture.gateway.sampleLog.get(failing.sampleId)?.sample).toEqual(failing);
    expect(fixture.gateway.sampleLog.count()).toBe(2);
  });
});

describe('box stream ingest: progress', () => {
  const progress = (message: string) => ({
    kind: 'training_step' as const,
    personaId: 'persona-1',
    sampleIds: ['s1'],
    step: 1,
    policyVersion: 'v1',
    metrics: { loss: 0.5 },
    message,
    at: Date.now(),
  });

  it('replays events after progressAfter on hello, then broadcasts live ones to every app', async () => {
    fixture = await startGatewayFixture();
    const first = fixture.gateway.publishProgress(progress('one'));
    fixture.gateway.publishProgress(progress('two'));
    fixture.gateway.publishProgress(progress('three'));

    const caughtUp = await connect();
    caughtUp.hello(first.seq);
    const fresh = await connect();
    fresh.hello(0);
    const a = await caughtUp.waitForFrames(3);
    const b = await fresh.waitForFrames(4);
    const messages = (frames: ServerFrame[]) => frames.flatMap((f) => (f.type === 'progress' ? [f.event.message] : []));
    expect(a[0]!.type).toBe('welcome');
    expect(messages(a)).toEqual(['two', 'three']);
    expect(messages(b)).toEqual(['one', 'two', 'three']);

    const published: number[] = [];
    fixture.gateway.hooks.on('progressPublished', (e) => {
      published.push(e.seq);
    });
    const live = fixture.gateway.publishProgress(progress('four'));
    expect(live.seq).toBe(first.seq + 3);
    expect(messages(await caughtUp.waitForFrames(4))).toEqual(['two', 'three', 'four']);
    expect(messages(await fresh.waitForFrames(5))).toEqual(['one', 'two', 'three', 'four']);
    expect(published).toEqual([live.seq]);
  });

  it('keeps progress and its numbering across a restart', async () => {
    fixture = await startGatewayFixture();
    const before = fixture.gateway.publishProgress(progress('before restart'));
    await fixture.gateway.close();
    const gateway = await fixture.restart();
    const after = gateway.publishProgress(progress('after restart'));
    expect(after.seq).toBeGreaterThan(before.seq);
    const client = await connect();
    client.hello(0);
    const frames = await client.waitForFrames(3);
    expect(frames.slice(1).map((f) => (f.type === 'progress' ? f.event.seq : -1))).toEqual([before.seq, after.seq]);
    expect(() => gateway.publishProgress({ ...progress('bad'), personaId: '' })).toThrow();
  });
});

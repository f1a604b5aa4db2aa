import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BOX_DATABASE_FILE } from '../../../box/gateway/gateway-config';
import { MAX_SAMPLES_PER_FRAME, type ServerFrame } from '../../../shared/protocol/box-stream';
import { TestStreamClient, makeSample, startGatewayFixture, type GatewayFixture } from './gateway-fixture';

let fixture: GatewayFixture | null = null;
const clients: TestStreamClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await fixture?.close();
  fixture = null;
});

async function connected(): Promise<TestStreamClient> {
  const client = await TestStreamClient.connect(fixture!.gateway);
  clients.push(client);
  client.hello();
  await client.waitForFrames(1);
  return client;
}

function storedIds(): string[] {
  const reader = new Database(join(fixture!.dataDir, BOX_DATABASE_FILE), { readonly: true });
  try {
    return (reader.prepare('SELECT sample_id FROM samples ORDER BY rowid').all() as { sample_id: string }[]).map((r) => r.sample_id);
  } finally {
    reader.close();
  }
}

describe('box stream ingest: batches', () => {
  it('says in welcome that it takes batches and how big a frame may be', async () => {
    fixture = await startGatewayFixture({ maxFrameBytes: 1_000_000 });
    const client = await TestStreamClient.connect(fixture.gateway);
    clients.push(client);
    client.hello();
    const [welcome] = await client.waitForFrames(1);
    expect(welcome).toMatchObject({ type: 'welcome', maxSamplesPerFrame: MAX_SAMPLES_PER_FRAME, maxFrameBytes: 1_000_000 });
  });

  it('acks a batch in one frame once every sample is committed, rejects the invalid ones by id, fires the hook once each', async () => {
    fixture = await startGatewayFixture();
    const hooked: string[] = [];
    fixture.gateway.hooks.on('sampleStored', ({ sample, bodyChars }) => {
      hooked.push(sample.sampleId);
      expect(bodyChars).toBe(JSON.stringify(sample).length);
    });
    const client = await connected();
    const good = [makeSample(), makeSample(), makeSample()];
    const invalid = { ...makeSample(), reward: 7 };
    const nameless = { response: 'no id' };
    // The same sample twice in one batch: stored once, acked twice (the second as a duplicate).
    client.send({ type: 'samples', samples: [good[0], invalid, good[1], nameless, good[0], good[2]] });
    const frames = (await client.waitForFrames(4)).slice(1);
    expect(frames[0]).toMatchObject({ type: 'reject', sampleId: invalid.sampleId, error: expect.stringContaining('reward') });
    expect(frames[1]).toMatchObject({ type: 'error', message: expect.stringContaining('invalid sample') });
    expect(frames[2]).toEqual({
      type: 'acks',
      acks: [
        { sampleId: good[0]!.sampleId, duplicate: false },
        { sampleId: good[1]!.sampleId, duplicate: false },
        { sampleId: good[0]!.sampleId, duplicate: true },
        { sampleId: good[2]!.sampleId, duplicate: false },
      ],
    });
    // Committed before the acks went out: a second connection sees every acked row.
    expect(storedIds()).toEqual(good.map((s) => s.sampleId));
    expect(hooked).toEqual(good.map((s) => s.sampleId));
    expect(fixture.gateway.sampleLog.get(good[1]!.sampleId)?.sample).toEqual(good[1]);
  });

  it('acks ids it already has as duplicates, across batches and connections, and stores nothing twice', async () => {
    fixture = await startGatewayFixture();
    const first = await connected();
    const samples = Array.from({ length: 10 }, () => makeSample());
    first.send({ type: 'samples', samples: samples.slice(0, 6) });
    await first.waitForFrames(2);
    await first.close();
    const second = await connected();
    second.send({ type: 'samples', samples: samples.slice(3) });
    const [, acks] = await second.waitForFrames(2);
    expect(acks).toEqual({
      type: 'acks',
      acks: samples.slice(3).map((s, i) => ({ sampleId: s.sampleId, duplicate: i < 3 })),
    });
    expect(storedIds()).toEqual(samples.map((s) => s.sampleId));
  });

  it('a sample whose write fails gets retry and no ack; the rest of its batch is stored and acked', async () => {
    fixture = await startGatewayFixture();
    const client = await connected();
    const samples = [makeSample(), makeSample(), makeSample()];
    const failing = samples[1]!;
    fixture.gateway.db.exec(
      `CREATE TRIGGER fail_one BEFORE INSERT ON samples WHEN NEW.sample_id = '${failing.sampleId}'
       BEGIN SELECT RAISE(ABORT, 'disk is full (test)'); END`,
    );
    client.send({ type: 'samples', samples });
    const frames = (await client.waitForFrames(3)).slice(1);
    expect(frames[0]).toEqual({ type: 'retry', sampleId: failing.sampleId, error: expect.stringContaining('disk is full (test)') });
    expect(frames[1]).toEqual({
      type: 'acks',
      acks: [samples[0], samples[2]].map((s) => ({ sampleId: s!.sampleId, duplicate: false })),
    });
    expect(storedIds()).toEqual([samples[0]!.sampleId, samples[2]!.sampleId]);
    expect(fixture.logs.some((l) => l.startsWith('error:') && l.includes(failing.sampleId))).toBe(true);

    fixture.gateway.db.exec('DROP TRIGGER fail_one');
    client.send({ type: 'samples', samples: [failing] });
    const [, , , again] = await client.waitForFrames(4);
    expect(again).toEqual({ type: 'acks', acks: [{ sampleId: failing.sampleId, duplicate: false }] });
  });

  it('answers frames in the order they came, whatever each one needed', async () => {
    fixture = await startGatewayFixture();
    const client = await connected();
    const a = makeSample();
    const b = makeSample();
    client.send({ type: 'samples', samples: Array.from({ length: 50 }, () => makeSample()) });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    client.send({ type: 'sample', sample: a });
    client.send('{broken');
    client.send({ type: 'samples', samples: [b] });
    client.send({ type: 'hello', protocol: 1, clientId: 'again', progressAfter: 0 });
    const frames = (await client.waitForFrames(7)).slice(1);
    expect(frames.map((f: ServerFrame) => f.type)).toEqual(['acks', 'error', 'ack', 'error', 'acks', 'error']);
    expect(frames[1]).toMatchObject({ message: expect.stringContaining('binary') });
    expect(frames[3]).toMatchObject({ message: expect.stringContaining('not valid JSON') });
    expect(frames[5]).toMatchObject({ message: expect.stringContaining('hello was already received') });
  });

  it('refuses a batch over the sample limit per frame, naming each sample so the app can settle it', async () => {
    fixture = await startGatewayFixture();
    const client = await connected();
    const samples = Array.from({ length: MAX_SAMPLES_PER_FRAME + 1 }, () => makeSample());
    client.send({ type: 'samples', samples });
    const frames = await client.waitForFrames(1 + samples.length);
    expect(frames.slice(1).every((f) => f.type === 'reject' && f.error.includes('"samples" frame'))).toBe(true);
    expect(storedIds()).toEqual([]);
  });
});

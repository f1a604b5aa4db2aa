import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/store/open-database';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { TimelineRepository } from '../../../electron/store/timeline-repository';
import type { TimelineKind } from '../../../shared/domain';
import { enqueueSamples } from './outbox-fixture';
import { createLinkHarness, makeTempDir, type LinkHarness } from './link-harness';
import { startStreamTestBox, type StreamTestBox, type StreamTestBoxOptions } from './stream-test-box';

const TOKEN = 'test-token';
const FAST_BACKOFF = { initialMs: 20, maxMs: 100 };

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setup(boxOptions: Partial<StreamTestBoxOptions> = {}, linkOptions: Parameters<typeof createLinkHarness>[0] = {}) {
  const temp = makeTempDir();
  const db = openDatabase(temp.dbFile);
  const box = await startStreamTestBox({ token: TOKEN, maxSamplesPerFrame: 16, ...boxOptions });
  const harness = createLinkHarness({ backoff: FAST_BACKOFF, storeRetryMs: 50, ...linkOptions });
  cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
  return { temp, db, box, harness };
}

async function connect(harness: LinkHarness, box: StreamTestBox, dbFile: string) {
  harness.link.configure({ dbFile, boxUrl: box.url, token: TOKEN });
  await harness.waitForStatus((s) => s.state === 'connected', 'connected');
}

function states(db: Db): Record<string, string> {
  return Object.fromEntries((db.prepare('SELECT sample_id, state FROM outbox ORDER BY seq').all() as { sample_id: string; state: string }[]).map((r) => [r.sample_id, r.state]));
}

function timelineIds(db: Db, kind: TimelineKind): string[] {
  return new TimelineRepository(db).list('persona-1', { limit: 10_000, kinds: [kind] }).map((e) => e.id);
}

function deliveryCounts(db: Db) {
  return new OutboxRepository(db).deliveryCountsForPersona('persona-1');
}

describe('BoxSyncLink delivery in batches', () => {
  it('sends batches to a box that takes them, in seq order, and settles each sample once', async () => {
    const { temp, db, box, harness } = await setup();
    const ids = enqueueSamples(db, 100);
    await connect(harness, box, temp.dbFile);
    await harness.waitForStatus((s) => s.acked === 100 && s.pending === 0, 'all acked');

    expect(box.received.map((r) => r.sample.sampleId)).toEqual(ids);
    expect(Math.max(...box.frameSizes)).toBe(16);
    expect(box.frameSizes.length).toBeLessThan(20);
    expect(Object.values(states(db)).every((s) => s === 'acked')).toBe(true);
    expect(deliveryCounts(db)).toEqual({ delivered: 100, acknowledged: 100 });
    expect(harness.timeline()).toEqual([]);
    expect(new Set(harness.deliveries().flat())).toEqual(new Set(['persona-1']));
  });

  it('a batch whose samples fare differently: the refused one is rejected, the unstored one resent, the rest acked', async () => {
    const { temp, db, box, harness } = await setup();
    const ids = enqueueSamples(db, 10);
    box.options.rejectIds = new Set([ids[3]!]);
    box.options.retryIds = new Map([[ids[6]!, 2]]);
    await connect(harness, box, temp.dbFile);
    await harness.waitForStatus((s) => s.acked === 9 && s.pending === 0, 'nine acked, one rejected');

    expect(states(db)).toEqual(Object.fromEntries(ids.map((id, i) => [id, i === 3 ? 'rejected' : 'acked'])));
    expect(new OutboxRepository(db).get(ids[3]!)!.lastError).toBe('test box refuses this sample');
    // The first frame carried all ten; the unstored one came twice more, on its own.
    expect(box.frameSizes[0]).toBe(10);
    expect(box.received.filter((r) => r.sample.sampleId === ids[6]).length).toBe(3);
    expect(box.stored.size).toBe(9);
    expect(timelineIds(db, 'rejected')).toEqual([`rejected:${ids[3]}`]);
    expect(deliveryCounts(db)).toEqual({ delivered: 10, acknowledged: 9 });
  });

  it('keeps rows pending while their batch waits for acks, and after a reconnect resends only the unacked part', async () => {
    const { temp, db, box, harness } = await setup({ ackMode: 'manual' });
    const ids = enqueueSamples(db, 40);
    await connect(harness, box, temp.dbFile);
    await box.waitFor('sample', () => box.received.length >= 40);
    await box.roundTrip();
    expect(Object.values(states(db)).every((s) => s === 'pending')).toBe(true);
    expect(deliveryCounts(db)).toEqual({ delivered: 40, acknowledged: 0 });

    // The box acks part of the second batch only (as if the rest had not been written yet), then the link drops.
    const partial = ids.slice(16, 24);
    box.send({ type: 'acks', acks: partial.map((sampleId) => ({ sampleId, duplicate: false })) });
    await harness.waitForStatus((s) => s.acked === 8, 'eight acked');
    box.options.ackMode = 'auto';
    box.dropAll();
    await harness.waitForStatus((s) => s.acked === 40 && s.pending === 0, 'all acked after reconnect');

    const resent = box.received.filter((r) => r.connection === 2).map((r) => r.sample.sampleId);
    expect(resent).toEqual(ids.filter((id) => !partial.includes(id)));
    expect(deliveryCounts(db)).toEqual({ delivered: 40, acknowledged: 40 });
  });

  it('treats acks of ids the box already had (across batches and reconnects) as acks, once each', async () => {
    const { temp, db, box, harness } = await setup();
    const ids = enqueueSamples(db, 20);
    // The box stored half of them before (an earlier connection whose acks were lost).
    for (const id of ids.slice(0, 10)) box.stored.set(id, new OutboxRepository(db).get(id)!.sample);
    await connect(harness, box, temp.dbFile);
    await harness.waitForStatus((s) => s.acked === 20, 'all acked');
    expect(deliveryCounts(db)).toEqual({ delivered: 20, acknowledged: 20 });
    expect(box.stored.size).toBe(20);

    // The same acks again (a box replaying its answers) change nothing and post nothing.
    const posted = harness.messages.filter((m) => m.type === 'delivery' || m.type === 'timeline').length;
    box.send({ type: 'acks', acks: ids.slice(0, 5).map((sampleId) => ({ sampleId, duplicate: true })) });
    await box.roundTrip();
    await new Promise((r) => setTimeout(r, 50));
    expect(harness.messages.filter((m) => m.type === 'delivery' || m.type === 'timeline')).toHaveLength(posted);
    expect(deliveryCounts(db)).toEqual({ delivered: 20, acknowledged: 20 });
    expect(Object.values(states(db)).every((s) => s === 'acked')).toBe(true);
  });

  it('never sends a sample bigger than the box takes: it is rejected here with the sizes, the others go', async () => {
    const { temp, db, box, harness } = await setup({ maxFrameBytes: 8_192 });
    const [small] = enqueueSamples(db, 1, { prefix: 'small' });
    const outbox = new OutboxRepository(db);
    const template = outbox.get(small!)!.sample;
    db.prepare(
      `INSERT INTO signals (id, persona_id, conversation_id, message_id, kind, reward, confidence, source, evidence, created_at)
       VALUES ('big-sig', 'persona-1', 'conv-persona-1', ?, 'positive', 1, 0.9, 'heuristic', '[]', 0)`,
    ).run(template.turnId);
    outbox.enqueue({ ...template, sampleId: 'big', response: 'x'.repeat(20_000) }, 'big-sig', { held: false });
    const [after] = enqueueSamples(db, 1, { prefix: 'after' });
    await connect(harness, box, temp.dbFile);
    await harness.waitForStatus((s) => s.acked === 2 && s.pending === 0, 'two acked, the big one rejected');

    expect(box.received.map((r) => r.sample.sampleId)).toEqual([small, after]);
    const big = outbox.get('big')!;
    expect(big.state).toBe('rejected');
    expect(big.lastError).toMatch(/the sample is 20 KB, more than the 8 KB the box accepts/);
    expect(timelineIds(db, 'rejected')).toEqual(['rejected:big']);
  });
});

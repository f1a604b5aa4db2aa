import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/store/open-database';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { TimelineRepository } from '../../../electron/store/timeline-repository';
import type { TimelineKind } from '../../../shared/domain';
import { enqueueSamples } from './outbox-fixture';
import { createLinkHarness, makeTempDir, type LinkHarness } from './link-harness';
import { startStreamTestBox, type StreamTestBox } from './stream-test-box';

const TOKEN = 'test-token';
const FAST_BACKOFF = { initialMs: 20, maxMs: 100 };

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setup(boxOptions: Partial<Parameters<typeof startStreamTestBox>[0]> = {}) {
  const temp = makeTempDir();
  const db = openDatabase(temp.dbFile);
  const box = await startStreamTestBox({ token: TOKEN, ...boxOptions });
  const harness = createLinkHarness({ backoff: FAST_BACKOFF });
  cleanups.push(temp.remove, () => void db.close(), () => box.close(), () => harness.link.stop());
  return { temp, db, box, harness };
}

function outboxRows(db: Db) {
  return db.prepare(`SELECT sample_id, state, attempts FROM outbox ORDER BY seq`).all() as Array<{
    sample_id: string;
    state: string;
    attempts: number;
  }>;
}

function timelineIds(db: Db, kind: TimelineKind): string[] {
  return new TimelineRepository(db).list('persona-1', { limit: 10_000, kinds: [kind] }).map((e) => e.id);
}

function deliveryCounts(db: Db, personaId = 'persona-1') {
  return new OutboxRepository(db).deliveryCountsForPersona(personaId);
}

async function connect(harness: LinkHarness, box: StreamTestBox, dbFile: string) {
  harness.link.configure({ dbFile, boxUrl: box.url, token: TOKEN });
  await harness.waitForStatus((s) => s.state === 'connected', 'connected');
}

describe('BoxSyncLink delivery', () => {
  it('delivers pending rows in seq order and marks each acked after the ack', async () => {
    const { temp, db, box, harness } = await setup();
    const ids = enqueueSamples(db, 100);
    await connect(harness, box, temp.dbFile);
    const done = await harness.waitForStatus((s) => s.acked === 100, 'all acked');

    expect(box.received.map((r) => r.sample.sampleId)).toEqual(ids);
    expect(box.stored.size).toBe(100);
    expect(done).toMatchObject({ state: 'connected', pending: 0, held: 0, acked: 100 });
    expect(done.lastAckAt).not.toBeNull();
    expect(outboxRows(db).every((r) => r.state === 'acked' && r.attempts === 1)).toBe(true);
    expect(deliveryCounts(db)).toEqual({ delivered: 100, acknowledged: 100 });
    // No timeline event per sample (the outbox keeps when each was sent and stored): the core hears
    // once per pump which personas' samples moved, far fewer messages than samples.
    expect(harness.timeline()).toEqual([]);
    expect(new Set(harness.deliveries().flat())).toEqual(new Set(['persona-1']));
    expect(harness.deliveries().length).toBeGreaterThanOrEqual(2);
    expect(harness.deliveries().length).toBeLessThan(100);
  });

  it("names each persona whose samples moved, and counts each persona's own", async () => {
    const { temp, db, box, harness } = await setup();
    enqueueSamples(db, 3, { personaId: 'persona-1' });
    enqueueSamples(db, 2, { personaId: 'persona-2', prefix: 't' });
    await connect(harness, box, temp.dbFile);
    await harness.waitForStatus((s) => s.acked === 5, 'all acked');

    expect(new Set(harness.deliveries().flat())).toEqual(new Set(['persona-1', 'persona-2']));
    expect(deliveryCounts(db, 'persona-1')).toEqual({ delivered: 3, acknowledged: 3 });
    expect(deliveryCounts(db, 'persona-2')).toEqual({ delivered: 2, acknowledged: 2 });
  });

  it('keeps rows pending until the box acks, with at most the window in flight', async () => {
    const { temp, db, box, harness } = await setup({ ackMode: 'manual' });
    const ids = enqueueSamples(db, 50);
    await connect(harness, box, temp.dbFile);
    await box.waitFor('sample', () => box.received.length >= 32);
    await box.roundTrip();

    expect(box.received).toHaveLength(32);
    const rows = outboxRows(db);
    expect(rows.every((r) => r.state === 'pending')).toBe(true);
    expect(rows.filter((r) => r.attempts === 1)).toHaveLength(32);
    expect(rows.slice(32).every((r) => r.attempts === 0)).toBe(true);
    expect(deliveryCounts(db)).toEqual({ delivered: 32, acknowledged: 0 });
    expect(harness.deliveries().flat()).toContain('persona-1');

    expect(box.releaseAcks(10)).toBe(10);
    await harness.waitForStatus((s) => s.acked === 10, '10 acked');
    await box.waitFor('sample', () => box.received.length >= 42);
    await box.roundTrip();
    expect(box.received).toHaveLength(42);
    expect(outboxRows(db).filter((r) => r.state === 'acked').map((r) => r.sample_id)).toEqual(ids.slice(0, 10));

    box.releaseAcks();
    await box.waitFor('sample', () => box.received.length === 50);
    box.releaseAcks();
    await harness.waitForStatus((s) => s.acked === 50 && s.pending === 0, 'all acked');
    expect(box.received.map((r) => r.sample.sampleId)).toEqual(ids);
  });

  it('resends every unacked row in order after a reconnect, and nothing is duplicated', async () => {
    const { temp, db, box, harness } = await setup({ ackMode: 'manual' });
    const ids = enqueueSamples(db, 60);
    await connect(harness, box, temp.dbFile);
    await box.waitFor('sample', () => box.received.length >= 32);
    box.releaseAcks(10);
    await harness.waitForStatus((s) => s.acked === 10, '10 acked');
    await box.waitFor('sample', () => box.received.length >= 42);

    box.options.ackMode = 'auto';
    box.dropAll();
    await harness.waitForStatus((s) => s.state === 'disconnected', 'disconnected');
    await harness.waitForStatus((s) => s.acked === 60, 'all acked after reconnect');

    const second = box.received.filter((r) => r.connection === 2).map((r) => r.sample.sampleId);
    expect(second).toEqual(ids.slice(10));
    expect(box.stored.size).toBe(60);
    expect([...box.stored.keys()].sort()).toEqual(ids);
    expect(box.hellos).toHaveLength(2);
    expect(box.hellos[1]!.clientId).toBe(box.hellos[0]!.clientId);
    const rows = outboxRows(db);
    expect(rows.every((r) => r.state === 'acked')).toBe(true);
    expect(rows.slice(10, 42).every((r) => r.attempts === 2)).toBe(true);
    expect(rows.slice(42).every((r) => r.attempts === 1)).toBe(true);
    // Each sample counted once as delivered and once as stored, though 32 were sent twice.
    expect(deliveryCounts(db)).toEqual({ delivered: 60, acknowledged: 60 });
  });

  it('marks a rejected sample rejected, records why, and never resends it', async () => {
    const { temp, db, box, harness } = await setup();
    const ids = enqueueSamples(db, 3);
    box.options.rejectIds = new Set([ids[1]!]);
    await connect(harness, box, temp.dbFile);
    await harness.waitForStatus((s) => s.acked === 2 && s.pending === 0, 'two acked, one rejected');

    const row = new OutboxRepository(db).get(ids[1]!)!;
    expect(row.state).toBe('rejected');
    expect(row.lastError).toBe('test box refuses this sample');
    expect(timelineIds(db, 'rejected')).toEqual([`rejected:${ids[1]}`]);
    expect(harness.logs('warn').some((m) => m.includes('rejected sample'))).toBe(true);

    box.dropAll();
    await box.waitFor('hello', () => box.hellos.length === 2);
    await box.roundTrip();
    expect(box.received.map((r) => r.sample.sampleId)).toEqual(ids);
  });

  it('sends rows enqueued later on a nudge, and held rows only once released', async () => {
    const { temp, db, box, harness } = await setup();
    enqueueSamples(db, 2, { prefix: 'a' });
    const [heldId] = enqueueSamples(db, 1, { prefix: 'h', held: true });
    await connect(harness, box, temp.dbFile);
    await harness.waitForStatus((s) => s.acked === 2 && s.held === 1, 'two acked, one held');

    const later = enqueueSamples(db, 3, { prefix: 'b' });
    harness.link.nudge();
    await harness.waitForStatus((s) => s.acked === 5 && s.held === 1, 'later rows acked');
    expect(box.received.slice(2).map((r) => r.sample.sampleId)).toEqual(later);

    const outbox = new OutboxRepository(db);
    const held = outbox.get(heldId!)!;
    outbox.release(heldId!, { ...held.sample, hint: 'Be shorter.' });
    harness.link.nudge();
    await harness.waitForStatus((s) => s.acked === 6 && s.held === 0, 'released row acked');
    expect(box.received.at(-1)!.sample).toMatchObject({ sampleId: heldId, hint: 'Be shorter.' });
  });
});

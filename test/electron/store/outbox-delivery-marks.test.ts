import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/store/open-database';
import { OutboxRepository } from '../../../electron/store/outbox-repository';
import { enqueueSamples } from '../sync/outbox-fixture';
import { makeTempDir } from '../sync/link-harness';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

function open(): { db: Db; outbox: OutboxRepository } {
  const temp = makeTempDir();
  const db = openDatabase(temp.dbFile);
  cleanups.push(temp.remove, () => void db.close());
  return { db, outbox: new OutboxRepository(db) };
}

describe('OutboxRepository marks a batch sent or stored in one statement', () => {
  it('markSent counts every attempt and names the personas of first sends only', () => {
    const { db, outbox } = open();
    const mineIds = enqueueSamples(db, 3, { personaId: 'persona-1' });
    const theirIds = enqueueSamples(db, 2, { personaId: 'persona-2', prefix: 't' });
    const [mine, theirs] = [mineIds, theirIds].map((ids) => ids.map((id) => outbox.get(id)!.seq));

    expect(outbox.markSent([mine![0]!, mine![1]!, theirs![0]!], 500)).toEqual(new Set(['persona-1', 'persona-2']));
    // Sent again (a resend), with one row sent for the first time: only that row's persona moved.
    expect(outbox.markSent([mine![0]!, mine![1]!, theirs![1]!], 600)).toEqual(new Set(['persona-2']));
    expect(outbox.markSent([mine![0]!], 700)).toEqual(new Set());
    expect(outbox.markSent([])).toEqual(new Set());

    expect([...mineIds, ...theirIds].map((id) => outbox.get(id)!.attempts)).toEqual([3, 2, 0, 1, 1]);
    expect(outbox.deliveryCountsForPersona('persona-1')).toEqual({ delivered: 2, acknowledged: 0 });
    expect(outbox.deliveryCountsForPersona('persona-2')).toEqual({ delivered: 2, acknowledged: 0 });
  });

  it('acknowledgeSent moves pending rows only, and names the personas of the rows it moved', () => {
    const { db, outbox } = open();
    const ids = enqueueSamples(db, 3, { personaId: 'persona-1' });
    const [other] = enqueueSamples(db, 1, { personaId: 'persona-2', prefix: 't' });
    const seqs = [...ids, other!].map((id) => outbox.get(id)!.seq);
    outbox.markSent(seqs);
    expect(outbox.markRejected(ids[2]!, 'refused')).toBe(true);

    expect(outbox.acknowledgeSent([seqs[0]!, seqs[2]!], 900)).toEqual(new Set(['persona-1']));
    expect(outbox.get(ids[0]!)).toMatchObject({ state: 'acked' });
    expect(outbox.get(ids[2]!)).toMatchObject({ state: 'rejected', lastError: 'refused' });
    expect(outbox.lastAckAt()).toBe(900);
    // Repeats move nothing; the other persona's row moves on its own.
    expect(outbox.acknowledgeSent([seqs[0]!])).toEqual(new Set());
    expect(outbox.acknowledgeSent([seqs[1]!, seqs[3]!], 950)).toEqual(new Set(['persona-1', 'persona-2']));
    expect(outbox.counts()).toEqual({ held: 0, pending: 0, acked: 3, rejected: 1 });
    expect(outbox.deliveryCountsForPersona('persona-1')).toEqual({ delivered: 3, acknowledged: 2 });
    expect(outbox.deliveryCountsForPersona('persona-2')).toEqual({ delivered: 1, acknowledged: 1 });
  });
});

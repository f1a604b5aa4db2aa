import type { SignalSample } from '../../shared/protocol/box-stream';
import { SignalSampleSchema } from '../../shared/protocol/box-stream';
import type { Db } from './open-database';

export type OutboxState = 'held' | 'pending' | 'acked' | 'rejected';

export interface OutboxRow {
  seq: number;
  sampleId: string;
  personaId: string;
  signalId: string;
  sample: SignalSample;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  ackedAt: number | null;
}

export interface OutboxCounts {
  held: number;
  pending: number;
  acked: number;
  rejected: number;
}

interface RawRow {
  seq: number;
  sample_id: string;
  persona_id: string;
  signal_id: string;
  payload: string;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  acked_at: number | null;
}

function toRow(raw: RawRow): OutboxRow {
  return {
    seq: raw.seq,
    sampleId: raw.sample_id,
    personaId: raw.persona_id,
    signalId: raw.signal_id,
    sample: SignalSampleSchema.parse(JSON.parse(raw.payload)),
    state: raw.state,
    attempts: raw.attempts,
    lastError: raw.last_error,
    createdAt: raw.created_at,
    sentAt: raw.sent_at,
    ackedAt: raw.acked_at,
  };
}

/**
 * The durable delivery queue to the box. Main enqueues inside the same transaction as the signal
 * and hint rows (callers wrap it in db.transaction); the sync worker reads pending rows in seq order
 * and marks them acked only when the box says it durably stored them.
 */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /** Must run inside the caller's transaction together with the signal/hint writes. */
  enqueue(sample: SignalSample, signalId: string, opts: { held: boolean; now?: number }): number {
    const parsed = SignalSampleSchema.parse(sample);
    const info = this.db
      .prepare(
        `INSERT INTO outbox (sample_id, persona_id, signal_id, payload, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(parsed.sampleId, parsed.personaId, signalId, JSON.stringify(parsed), opts.held ? 'held' : 'pending', opts.now ?? Date.now());
    return Number(info.lastInsertRowid);
  }

  /** Releases a held row for delivery with its final payload (hint approved, edited or removed). */
  release(sampleId: string, sample: SignalSample): void {
    const parsed = SignalSampleSchema.parse(sample);
    if (parsed.sampleId !== sampleId) throw new Error('release: sample id mismatch');
    const info = this.db
      .prepare(`UPDATE outbox SET payload = ?, state = 'pending' WHERE sample_id = ? AND state = 'held'`)
      .run(JSON.stringify(parsed), sampleId);
    if (info.changes !== 1) throw new Error(`outbox row ${sampleId} is not held`);
  }

  get(sampleId: string): OutboxRow | null {
    const raw = this.db.prepare(`SELECT * FROM outbox WHERE sample_id = ?`).get(sampleId) as RawRow | undefined;
    return raw ? toRow(raw) : null;
  }

  getBySignal(signalId: string): OutboxRow | null {
    const raw = this.db.prepare(`SELECT * FROM outbox WHERE signal_id = ?`).get(signalId) as RawRow | undefined;
    return raw ? toRow(raw) : null;
  }

  /** Pending rows in delivery order, starting after `afterSeq`. */
  nextPending(limit: number, afterSeq = 0): OutboxRow[] {
    const raws = this.db
      .prepare(`SELECT * FROM outbox WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?`)
      .all(afterSeq, limit) as RawRow[];
    return raws.map(toRow);
  }

  /** Records a send attempt; returns true on the first one (for the "delivered" timeline event). */
  markSent(sampleId: string, now = Date.now()): boolean {
    const row = this.db
      .prepare(
        `UPDATE outbox SET attempts = attempts + 1, sent_at = COALESCE(sent_at, ?)
         WHERE sample_id = ? RETURNING attempts`,
      )
      .get(now, sampleId) as { attempts: number } | undefined;
    return row?.attempts === 1;
  }

  /** Returns true if this call moved the row to acked (false when already acked or unknown). */
  markAcked(sampleId: string, now = Date.now()): boolean {
    const info = this.db
      .prepare(`UPDATE outbox SET state = 'acked', acked_at = ?, last_error = NULL WHERE sample_id = ? AND state = 'pending'`)
      .run(now, sampleId);
    return info.changes === 1;
  }

  markRejected(sampleId: string, error: string): boolean {
    const info = this.db
      .prepare(`UPDATE outbox SET state = 'rejected', last_error = ? WHERE sample_id = ? AND state = 'pending'`)
      .run(error, sampleId);
    return info.changes === 1;
  }

  recordError(sampleId: string, error: string): void {
    this.db.prepare(`UPDATE outbox SET last_error = ? WHERE sample_id = ?`).run(error, sampleId);
  }

  counts(): OutboxCounts {
    const rows = this.db.prepare(`SELECT state, COUNT(*) AS n FROM outbox GROUP BY state`).all() as {
      state: OutboxState;
      n: number;
    }[];
    const counts: OutboxCounts = { held: 0, pending: 0, acked: 0, rejected: 0 };
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  lastAckAt(): number | null {
    const row = this.db.prepare(`SELECT MAX(acked_at) AS t FROM outbox`).get() as { t: number | null };
    return row.t;
  }
}

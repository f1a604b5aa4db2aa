import type { SignalSample } from '../../shared/protocol/box-stream';
import { SignalSampleSchema } from '../../shared/protocol/box-stream';
import { sampleContextMessages } from '../core/build-signal-sample';
import { MessageRepository } from './message-repository';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

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

/** A sample without its context: the outbox reads the thread when it needs the whole sample. */
export type SampleWithoutContext = Omit<SignalSample, 'messages'>;
const SampleWithoutContextSchema = SignalSampleSchema.omit({ messages: true });

/**
 * Where a sample's context lives when its payload does not carry it: the messages the reply
 * `replyId` answers (rewrites as they stood at `at`), after the system prompt.
 */
export interface ThreadContextRef {
  replyId: string;
  systemPrompt: string;
  at: number;
}

/** A row the box refused: whose it was, and the reply its 'rejected' timeline entry names. */
export interface RejectedRow {
  personaId: string;
  turnId: string;
}

/** Rows with their payload, wherever it is kept (outbox_payloads for new rows, inline for older ones). */
const SELECT_ROWS = `SELECT o.seq, o.sample_id, o.persona_id, o.signal_id, COALESCE(p.payload, o.payload) AS payload, o.state, o.attempts,
       o.last_error, o.created_at, o.sent_at, o.acked_at, o.context_reply_id, o.context_system, o.context_at
  FROM outbox o LEFT JOIN outbox_payloads p ON p.seq = o.seq`;

type RawSend = Pick<RawRow, 'seq' | 'sample_id' | 'persona_id' | 'payload' | 'context_reply_id' | 'context_system' | 'context_at'>;


/** What the sync worker sends: the sample as JSON text, built without parsing it again. */
export interface OutboxSend {
  seq: number;
  sampleId: string;
  personaId: string;
  sampleJson: string;
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
  context_reply_id: string | null;
  context_system: string | null;
  context_at: number | null;
}

function withoutMessages(sample: SignalSample): SampleWithoutContext {
  const { messages: _context, ...rest } = sample;
  return rest;
}

function contextRefOf(raw: Pick<RawRow, 'context_reply_id' | 'context_system' | 'context_at'>): ThreadContextRef | null {
  if (raw.context_reply_id === null) return null;
  return { replyId: raw.context_reply_id, systemPrompt: raw.context_system ?? '', at: raw.context_at ?? 0 };
}

/**
 * The durable delivery queue to the box. Main enqueues inside the same transaction as the signal
 * and hint rows (callers wrap it in db.transaction); the sync worker reads pending rows in seq order
 * and marks them acked only when the box says it durably stored them. A row's sample either carries
 * its context (the thread before the judged reply) or refers to it (ThreadContextRef): then the
 * context is read from the thread whenever the whole sample is needed.
 */
export class OutboxRepository {
  private readonly messages: MessageRepository;

  constructor(private readonly db: Db) {
    this.messages = new MessageRepository(db);
  }

  /** Must run inside the caller's transaction together with the signal/hint writes. */
  enqueue(sample: SignalSample, signalId: string, opts: { held: boolean; now?: number }): number {
    const parsed = SignalSampleSchema.parse(sample);
    return this.insert(parsed, signalId, null, opts);
  }

  /**
   * Enqueues a sample whose context is the thread before its reply, by reference: the turn writes a
   * payload of the same small size at the 1,000th reply as at the first. Same transaction rule as enqueue.
   */
  enqueueWithThreadContext(sample: SampleWithoutContext, signalId: string, context: ThreadContextRef, opts: { held: boolean; now?: number }): number {
    const parsed = SampleWithoutContextSchema.parse(sample);
    return this.insert(parsed, signalId, context, opts);
  }

  private insert(sample: SampleWithoutContext, signalId: string, context: ThreadContextRef | null, opts: { held: boolean; now?: number }): number {
    const info = prepareOnce(
      this.db,
      `INSERT INTO outbox (sample_id, persona_id, signal_id, payload, state, created_at, context_reply_id, context_system, context_at)
       VALUES (?, ?, ?, '', ?, ?, ?, ?, ?)`,
    ).run(
      sample.sampleId,
      sample.personaId,
      signalId,
      opts.held ? 'held' : 'pending',
      opts.now ?? Date.now(),
      context?.replyId ?? null,
      context?.systemPrompt ?? null,
      context?.at ?? null,
    );
    const seq = Number(info.lastInsertRowid);
    prepareOnce(this.db, `INSERT INTO outbox_payloads (seq, payload) VALUES (?, ?)`).run(seq, JSON.stringify(sample));
    return seq;
  }

  /** Releases a held row for delivery with its final payload (hint approved, edited or removed). */
  release(sampleId: string, sample: SignalSample): void {
    const parsed = SignalSampleSchema.parse(sample);
    if (parsed.sampleId !== sampleId) throw new Error('release: sample id mismatch');
    const row = prepareOnce(
      this.db,
      `SELECT o.seq, o.context_reply_id, p.seq IS NOT NULL AS apart FROM outbox o LEFT JOIN outbox_payloads p ON p.seq = o.seq
       WHERE o.sample_id = ? AND o.state = 'held'`,
    ).get(sampleId) as { seq: number; context_reply_id: string | null; apart: number } | undefined;
    if (!row) throw new Error(`outbox row ${sampleId} is not held`);
    // A row that refers to its thread keeps referring to it (the context was read from there).
    const payload = JSON.stringify(row.context_reply_id !== null ? withoutMessages(parsed) : parsed);
    if (row.apart) prepareOnce(this.db, `UPDATE outbox_payloads SET payload = ? WHERE seq = ?`).run(payload, row.seq);
    else prepareOnce(this.db, `UPDATE outbox SET payload = ? WHERE seq = ?`).run(payload, row.seq);
    prepareOnce(this.db, `UPDATE outbox SET state = 'pending' WHERE seq = ?`).run(row.seq);
  }

  get(sampleId: string): OutboxRow | null {
    const raw = prepareOnce(this.db, `${SELECT_ROWS} WHERE o.sample_id = ?`).get(sampleId) as RawRow | undefined;
    return raw ? this.toRow(raw) : null;
  }

  getBySignal(signalId: string): OutboxRow | null {
    const raw = prepareOnce(this.db, `${SELECT_ROWS} WHERE o.signal_id = ?`).get(signalId) as RawRow | undefined;
    return raw ? this.toRow(raw) : null;
  }

  /** Pending rows in delivery order, starting after `afterSeq`. */
  nextPending(limit: number, afterSeq = 0): OutboxRow[] {
    const raws = prepareOnce(this.db, `${SELECT_ROWS} WHERE o.state = 'pending' AND o.seq > ? ORDER BY o.seq LIMIT ?`).all(
      afterSeq,
      limit,
    ) as RawRow[];
    return raws.map((raw) => this.toRow(raw));
  }

  /**
   * Pending rows in delivery order after `afterSeq` as the JSON text to send: the stored payload
   * (validated when it was written) with the thread's messages put back in for rows that refer to it.
   * Nothing is parsed again; the box validates what it receives. Rows `skip` names (already in flight)
   * are passed over before any of that work, and do not count against `limit`.
   */
  nextPendingToSend(limit: number, afterSeq = 0, skip: (sampleId: string) => boolean = () => false): OutboxSend[] {
    const out: OutboxSend[] = [];
    let cursor = afterSeq;
    for (;;) {
      const raws = prepareOnce(
        this.db,
        `SELECT o.seq, o.sample_id, o.persona_id, COALESCE(p.payload, o.payload) AS payload, o.context_reply_id, o.context_system, o.context_at
         FROM outbox o LEFT JOIN outbox_payloads p ON p.seq = o.seq
         WHERE o.state = 'pending' AND o.seq > ? ORDER BY o.seq LIMIT ?`,
      ).all(cursor, limit) as RawSend[];
      for (const raw of raws) {
        if (out.length >= limit) return out;
        if (!skip(raw.sample_id)) out.push(this.sendable(raw));
      }
      if (raws.length < limit || out.length >= limit) return out;
      cursor = raws.at(-1)!.seq;
    }
  }

  private sendable(raw: RawSend): OutboxSend {
    const context = contextRefOf(raw);
    let sampleJson = raw.payload;
    if (context) {
      const messages = this.threadContext(context);
      // The payload is a JSON object without "messages": put them first, then its own fields.
      sampleJson = `{"messages":${JSON.stringify(messages)},${raw.payload.slice(1)}`;
    }
    return { seq: raw.seq, sampleId: raw.sample_id, personaId: raw.persona_id, sampleJson };
  }

  /**
   * Records a send attempt of each row (by seq), in one statement; returns the personas of the rows
   * sent for the first time (their Learning stage moved).
   */
  markSent(seqs: readonly number[], now = Date.now()): Set<string> {
    if (seqs.length === 0) return new Set();
    const rows = prepareOnce(
      this.db,
      `UPDATE outbox SET attempts = attempts + 1, sent_at = COALESCE(sent_at, ?)
       WHERE seq IN (SELECT value FROM json_each(?)) RETURNING persona_id, attempts`,
    ).all(now, JSON.stringify(seqs)) as { persona_id: string; attempts: number }[];
    return new Set(rows.flatMap((r) => (r.attempts === 1 ? [r.persona_id] : [])));
  }

  /** Returns true if this call moved the row to acked (false when already acked or unknown). */
  markAcked(sampleId: string, now = Date.now()): boolean {
    const info = prepareOnce(
      this.db,
      `UPDATE outbox SET state = 'acked', acked_at = ?, last_error = NULL WHERE sample_id = ? AND state = 'pending'`,
    ).run(now, sampleId);
    return info.changes === 1;
  }

  markRejected(sampleId: string, error: string): boolean {
    const info = prepareOnce(this.db, `UPDATE outbox SET state = 'rejected', last_error = ? WHERE sample_id = ? AND state = 'pending'`).run(
      error,
      sampleId,
    );
    return info.changes === 1;
  }

  /**
   * Moves a pending row to acked and returns whose row it was; 'settled' when it was
   * already acked or rejected (a repeat), null when there is no such row. One statement, no parse.
   */
  acknowledge(sampleId: string, now = Date.now()): { personaId: string } | 'settled' | null {
    const row = prepareOnce(
      this.db,
      `UPDATE outbox SET state = 'acked', acked_at = ?, last_error = NULL WHERE sample_id = ? AND state = 'pending'
       RETURNING persona_id`,
    ).get(now, sampleId) as { persona_id: string } | undefined;
    return row ? { personaId: row.persona_id } : this.exists(sampleId) ? 'settled' : null;
  }

  /**
   * acknowledge for rows this connection sent (their seqs known), in one statement; returns the
   * personas of the rows it moved (rows no longer pending, acked or rejected meanwhile, are left).
   */
  acknowledgeSent(seqs: readonly number[], now = Date.now()): Set<string> {
    if (seqs.length === 0) return new Set();
    const rows = prepareOnce(
      this.db,
      `UPDATE outbox SET state = 'acked', acked_at = ?, last_error = NULL
       WHERE seq IN (SELECT value FROM json_each(?)) AND state = 'pending' RETURNING persona_id`,
    ).all(now, JSON.stringify(seqs)) as { persona_id: string }[];
    return new Set(rows.map((r) => r.persona_id));
  }

  /** Moves a pending row to rejected (the box refused it for good); answers like acknowledge, with the reply it judged. */
  reject(sampleId: string, error: string): RejectedRow | 'settled' | null {
    const row = prepareOnce(
      this.db,
      `UPDATE outbox SET state = 'rejected', last_error = ? WHERE sample_id = ? AND state = 'pending'
       RETURNING seq, persona_id`,
    ).get(error, sampleId) as { seq: number; persona_id: string } | undefined;
    if (!row) return this.exists(sampleId) ? 'settled' : null;
    const turn = prepareOnce(
      this.db,
      `SELECT json_extract(COALESCE(p.payload, o.payload), '$.turnId') AS turn_id FROM outbox o LEFT JOIN outbox_payloads p ON p.seq = o.seq WHERE o.seq = ?`,
    ).get(row.seq) as { turn_id: string };
    return { personaId: row.persona_id, turnId: turn.turn_id };
  }

  private exists(sampleId: string): boolean {
    return prepareOnce(this.db, `SELECT 1 FROM outbox WHERE sample_id = ?`).get(sampleId) !== undefined;
  }

  recordError(sampleId: string, error: string): void {
    prepareOnce(this.db, `UPDATE outbox SET last_error = ? WHERE sample_id = ?`).run(error, sampleId);
  }

  /** From the counters the schema's triggers keep: no scan, however many rows wait. */
  counts(): OutboxCounts {
    const rows = prepareOnce(this.db, `SELECT key, n FROM outbox_counts WHERE key >= 'state:' AND key < 'state;'`).all() as {
      key: string;
      n: number;
    }[];
    const counts: OutboxCounts = { held: 0, pending: 0, acked: 0, rejected: 0 };
    for (const r of rows) {
      const state = r.key.slice('state:'.length) as OutboxState;
      if (state in counts) counts[state] = r.n;
    }
    return counts;
  }

  /** A persona's rows sent at least once and rows the box stored, from counters the schema's triggers keep. */
  deliveryCountsForPersona(personaId: string): { delivered: number; acknowledged: number } {
    const rows = prepareOnce(
      this.db,
      `SELECT counter, n FROM persona_counts WHERE persona_id = ? AND counter IN ('outbox:delivered', 'outbox:acknowledged')`,
    ).all(personaId) as { counter: string; n: number }[];
    const count = (counter: string) => rows.find((r) => r.counter === counter)?.n ?? 0;
    return { delivered: count('outbox:delivered'), acknowledged: count('outbox:acknowledged') };
  }

  /** When the box last acked a sample (kept by a trigger, so O(1)). */
  lastAckAt(): number | null {
    const row = prepareOnce(this.db, `SELECT n FROM outbox_counts WHERE key = 'last_acked_at'`).get() as { n: number } | undefined;
    return row?.n ?? null;
  }

  private toRow(raw: RawRow): OutboxRow {
    const context = contextRefOf(raw);
    let sample: SignalSample;
    if (context) {
      const partial = SampleWithoutContextSchema.parse(JSON.parse(raw.payload));
      sample = { ...partial, messages: this.threadContext(context) };
    } else {
      sample = SignalSampleSchema.parse(JSON.parse(raw.payload));
    }
    return {
      seq: raw.seq,
      sampleId: raw.sample_id,
      personaId: raw.persona_id,
      signalId: raw.signal_id,
      sample,
      state: raw.state,
      attempts: raw.attempts,
      lastError: raw.last_error,
      createdAt: raw.created_at,
      sentAt: raw.sent_at,
      ackedAt: raw.acked_at,
    };
  }

  /** The sample's context as the policy saw it: the messages the reply answers, rewrites made before it was written. */
  private threadContext(context: ThreadContextRef): SignalSample['messages'] {
    return sampleContextMessages({ systemPrompt: context.systemPrompt }, this.messages.contextOf(context.replyId, context.at));
  }

}

import { SignalSampleSchema, type SignalSample } from '../../shared/protocol/box-stream';
import type { BoxDb } from './box-database';

export interface StoredSample {
  /** Insertion order (SQLite rowid): lets consumers walk the log after a known point. */
  seq: number;
  sample: SignalSample;
  clientId: string;
  receivedAt: number;
}

/** A stored sample without its body. */
export interface StoredSampleNote {
  seq: number;
  sampleId: string;
  personaId: string;
  turnId: string;
  supersedes: string | null;
  clientId: string;
  receivedAt: number;
  bodyChars: number;
}

interface RawNote {
  seq: number;
  sample_id: string;
  persona_id: string;
  turn_id: string;
  supersedes: string | null;
  client_id: string;
  received_at: number;
  body_chars: number;
}

/** A validated sample and the JSON it is stored as. */
export interface SampleToStore {
  sample: SignalSample;
  body: string;
  clientId: string;
  receivedAt: number;
}

interface SampleRow {
  seq: number;
  body: string;
  client_id: string;
  received_at: number;
}

/**
 * The durable sample log: every sample an app delivered, keyed by its sample id (the idempotency
 * key). `store` returns only after the row is committed, which is what makes an ack safe.
 */
export class SampleLog {
  private readonly insert;
  private readonly byId;
  private readonly after;
  private readonly bodyById;
  private readonly notesAfter;

  constructor(private readonly db: BoxDb) {
    this.insert = db.prepare(
      `INSERT INTO samples (sample_id, persona_id, conversation_id, turn_id, supersedes, client_id, body, received_at)
       VALUES (@sampleId, @personaId, @conversationId, @turnId, @supersedes, @clientId, @body, @receivedAt)
       ON CONFLICT(sample_id) DO NOTHING`,
    );
    this.byId = db.prepare('SELECT rowid AS seq, body, client_id, received_at FROM samples WHERE sample_id = ?');
    this.after = db.prepare('SELECT rowid AS seq, body, client_id, received_at FROM samples WHERE rowid > ? ORDER BY rowid LIMIT ?');
    this.bodyById = db.prepare('SELECT body FROM samples WHERE sample_id = ?');
    this.notesAfter = db.prepare(
      `SELECT rowid AS seq, sample_id, persona_id, turn_id, supersedes, client_id, received_at, length(body) AS body_chars
       FROM samples WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
  }

  /**
   * Writes samples whose JSON is already made, in one transaction: each in its own savepoint, so one
   * that fails (its error is returned) takes no other with it. Returns only after the commit; if the
   * commit itself fails, it throws and nothing of the batch is stored. IMMEDIATE: the gateway's
   * thread writes the same file.
   */
  storeBatch(items: readonly SampleToStore[]): ({ duplicate: boolean } | { error: string })[] {
    const one = this.db.transaction(({ sample, body, clientId, receivedAt }: SampleToStore) =>
      this.insert.run({
        sampleId: sample.sampleId,
        personaId: sample.personaId,
        conversationId: sample.conversationId,
        turnId: sample.turnId,
        supersedes: sample.supersedes,
        clientId,
        body,
        receivedAt,
      }),
    );
    return this.db.transaction(() =>
      items.map((item) => {
        try {
          return { duplicate: one(item).changes === 0 };
        } catch (error) {
          return { error: (error as Error).message };
        }
      }),
    ).immediate();
  }

  /** The stored JSON of a sample, as written (not parsed). */
  body(sampleId: string): string | null {
    return (this.bodyById.get(sampleId) as { body: string } | undefined)?.body ?? null;
  }

  /** What a consumer needs to refer to the samples stored after `seq` without reading their bodies. */
  listNotesAfter(seq: number, limit = 1_000): StoredSampleNote[] {
    return (this.notesAfter.all(seq, limit) as RawNote[]).map((r) => ({
      seq: r.seq,
      sampleId: r.sample_id,
      personaId: r.persona_id,
      turnId: r.turn_id,
      supersedes: r.supersedes,
      clientId: r.client_id,
      receivedAt: r.received_at,
      bodyChars: r.body_chars,
    }));
  }

  get(sampleId: string): StoredSample | null {
    const row = this.byId.get(sampleId) as SampleRow | undefined;
    return row ? toStored(row) : null;
  }

  /** Samples stored after `seq`, oldest first. */
  listAfter(seq: number, limit = 1_000): StoredSample[] {
    return (this.after.all(seq, limit) as SampleRow[]).map(toStored);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM samples').get() as { n: number }).n;
  }
}

function toStored(row: SampleRow): StoredSample {
  // Rows were validated on the way in; parsing again keeps a hand-edited file from leaking through.
  return { seq: row.seq, sample: SignalSampleSchema.parse(JSON.parse(row.body)), clientId: row.client_id, receivedAt: row.received_at };
}

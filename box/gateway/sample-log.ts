import { SignalSampleSchema, type SignalSample } from '../../shared/protocol/box-stream';
import type { BoxDb } from './box-database';

export interface StoredSample {
  /** Insertion order (SQLite rowid): lets consumers walk the log after a known point. */
  seq: number;
  sample: SignalSample;
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

  constructor(private readonly db: BoxDb) {
    this.insert = db.prepare(
      `INSERT INTO samples (sample_id, persona_id, conversation_id, turn_id, supersedes, client_id, body, received_at)
       VALUES (@sampleId, @personaId, @conversationId, @turnId, @supersedes, @clientId, @body, @receivedAt)
       ON CONFLICT(sample_id) DO NOTHING`,
    );
    this.byId = db.prepare('SELECT rowid AS seq, body, client_id, received_at FROM samples WHERE sample_id = ?');
    this.after = db.prepare('SELECT rowid AS seq, body, client_id, received_at FROM samples WHERE rowid > ? ORDER BY rowid LIMIT ?');
  }

  /** Writes the sample unless its id is already stored; `duplicate` says which happened. */
  store(sample: SignalSample, clientId: string, receivedAt = Date.now()): { duplicate: boolean } {
    const result = this.insert.run({
      sampleId: sample.sampleId,
      personaId: sample.personaId,
      conversationId: sample.conversationId,
      turnId: sample.turnId,
      supersedes: sample.supersedes,
      clientId,
      body: JSON.stringify(sample),
      receivedAt,
    });
    return { duplicate: result.changes === 0 };
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

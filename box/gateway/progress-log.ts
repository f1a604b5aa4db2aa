import { z } from 'zod';
import { ProgressEventSchema, type ProgressEvent } from '../../shared/protocol/box-stream';
import type { BoxDb } from './box-database';

/** A progress event before the log gives it its seq. */
export const NewProgressEventSchema = ProgressEventSchema.omit({ seq: true });
export type NewProgressEvent = z.infer<typeof NewProgressEventSchema>;

/**
 * Every progress event the box has published, numbered by a monotonic seq (AUTOINCREMENT never
 * reuses one), so apps can ask to replay what they missed after the highest seq they saw.
 */
export class ProgressLog {
  private readonly insert;
  private readonly after;

  constructor(db: BoxDb) {
    this.insert = db.prepare('INSERT INTO progress_events (persona_id, kind, body, at) VALUES (?, ?, ?, ?)');
    this.after = db.prepare('SELECT seq, body FROM progress_events WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  append(input: NewProgressEvent): ProgressEvent {
    const event = NewProgressEventSchema.parse(input);
    const { lastInsertRowid } = this.insert.run(event.personaId, event.kind, JSON.stringify(event), event.at);
    return { ...event, seq: Number(lastInsertRowid) };
  }

  /** Events with seq greater than `seq`, oldest first. */
  listAfter(seq: number, limit = 10_000): ProgressEvent[] {
    return (this.after.all(seq, limit) as { seq: number; body: string }[]).map((row) =>
      ProgressEventSchema.parse({ ...JSON.parse(row.body), seq: row.seq }),
    );
  }
}

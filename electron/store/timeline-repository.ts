import type { TimelineEvent, TimelineKind } from '../../shared/domain';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

export type NewTimelineEvent = Omit<TimelineEvent, 'seq' | 'createdAt'> & { createdAt?: number };

interface RawEvent {
  seq: number;
  id: string;
  persona_id: string;
  kind: TimelineKind;
  sample_id: string | null;
  message_id: string | null;
  summary: string;
  data: string;
  created_at: number;
}

function toEvent(raw: RawEvent): TimelineEvent {
  return {
    seq: raw.seq,
    id: raw.id,
    personaId: raw.persona_id,
    kind: raw.kind,
    sampleId: raw.sample_id,
    messageId: raw.message_id,
    summary: raw.summary,
    data: JSON.parse(raw.data) as Record<string, unknown>,
    createdAt: raw.created_at,
  };
}

/** Per-persona learning timeline. Appends are idempotent by event id, so replays add nothing. */
export class TimelineRepository {
  constructor(private readonly db: Db) {}

  /** Returns the stored event, or null when an event with this id already existed. */
  append(event: NewTimelineEvent): TimelineEvent | null {
    const data = JSON.stringify(event.data);
    const createdAt = event.createdAt ?? Date.now();
    const info = prepareOnce(
      this.db,
      `INSERT INTO timeline_events (id, persona_id, kind, sample_id, message_id, summary, data, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO NOTHING`,
    ).run(event.id, event.personaId, event.kind, event.sampleId, event.messageId, event.summary, data, createdAt);
    if (info.changes === 0) return null;
    return {
      seq: Number(info.lastInsertRowid),
      id: event.id,
      personaId: event.personaId,
      kind: event.kind,
      sampleId: event.sampleId,
      messageId: event.messageId,
      summary: event.summary,
      // As stored (a JSON round trip), like every event read back later.
      data: JSON.parse(data) as Record<string, unknown>,
      createdAt,
    };
  }

  /**
   * Newest first. With kinds, each kind is read through its own (persona, kind, seq) index range and
   * only the newest `limit` of each are merged, so a rare kind costs as little as a common one.
   */
  list(personaId: string, opts: { beforeSeq?: number; limit?: number; kinds?: TimelineKind[] } = {}): TimelineEvent[] {
    const limit = opts.limit ?? 100;
    const beforeSeq = opts.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const kinds = opts.kinds && opts.kinds.length > 0 ? [...new Set(opts.kinds)].sort() : null;
    if (!kinds) {
      const raws = prepareOnce(this.db, `SELECT * FROM timeline_events WHERE persona_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`).all(
        personaId,
        beforeSeq,
        limit,
      ) as RawEvent[];
      return raws.map(toEvent);
    }
    const perKind = `SELECT * FROM (SELECT * FROM timeline_events WHERE persona_id = ? AND kind = ? AND seq < ? ORDER BY seq DESC LIMIT ?)`;
    const sql = `${kinds.map(() => perKind).join(' UNION ALL ')} ORDER BY seq DESC LIMIT ?`;
    const params = kinds.flatMap((kind) => [personaId, kind, beforeSeq, limit]);
    const raws = prepareOnce(this.db, sql).all(...params, limit) as RawEvent[];
    return raws.map(toEvent);
  }

  /** Events per kind, from the counters the schema's triggers keep in the same transaction as the events. */
  countByKind(personaId: string): Partial<Record<TimelineKind, number>> {
    const rows = prepareOnce(
      this.db,
      `SELECT substr(counter, 10) AS kind, n FROM persona_counts
       WHERE persona_id = ? AND counter >= 'timeline:' AND counter < 'timeline;' AND n > 0`,
    ).all(personaId) as { kind: TimelineKind; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }
}

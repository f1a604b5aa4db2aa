import type { TimelineEvent, TimelineKind } from '../../shared/domain';
import type { Db } from './open-database';

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
    const raw = this.db
      .prepare(
        `INSERT INTO timeline_events (id, persona_id, kind, sample_id, message_id, summary, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO NOTHING
         RETURNING *`,
      )
      .get(
        event.id,
        event.personaId,
        event.kind,
        event.sampleId,
        event.messageId,
        event.summary,
        JSON.stringify(event.data),
        event.createdAt ?? Date.now(),
      ) as RawEvent | undefined;
    return raw ? toEvent(raw) : null;
  }

  /** Newest first. */
  list(personaId: string, opts: { beforeSeq?: number; limit?: number; kinds?: TimelineKind[] } = {}): TimelineEvent[] {
    const limit = opts.limit ?? 100;
    const kinds = opts.kinds && opts.kinds.length > 0 ? opts.kinds : null;
    const kindClause = kinds ? `AND kind IN (${kinds.map(() => '?').join(',')})` : '';
    const raws = this.db
      .prepare(
        `SELECT * FROM timeline_events WHERE persona_id = ? AND seq < ? ${kindClause} ORDER BY seq DESC LIMIT ?`,
      )
      .all(personaId, opts.beforeSeq ?? Number.MAX_SAFE_INTEGER, ...(kinds ?? []), limit) as RawEvent[];
    return raws.map(toEvent);
  }

  countByKind(personaId: string): Partial<Record<TimelineKind, number>> {
    const rows = this.db
      .prepare(`SELECT kind, COUNT(*) AS n FROM timeline_events WHERE persona_id = ? GROUP BY kind`)
      .all(personaId) as { kind: TimelineKind; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }
}

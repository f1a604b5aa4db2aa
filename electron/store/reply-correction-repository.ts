import type { Db } from './open-database';

/** signalId null: a rewrite that came with an imported conversation. */
export type ReplyCorrection =
  | { kind: 'edit'; signalId: string | null; messageId: string; text: string; createdAt: number }
  | { kind: 'inline_mark'; signalId: string; messageId: string; start: number; end: number; text: string; createdAt: number };

interface RawCorrection {
  signal_id: string | null;
  message_id: string;
  kind: 'edit' | 'inline_mark';
  span_start: number | null;
  span_end: number | null;
  text: string;
  created_at: number;
}

function toCorrection(raw: RawCorrection): ReplyCorrection {
  if (raw.kind === 'edit') {
    return { kind: 'edit', signalId: raw.signal_id, messageId: raw.message_id, text: raw.text, createdAt: raw.created_at };
  }
  return {
    kind: 'inline_mark',
    signalId: raw.signal_id ?? '',
    messageId: raw.message_id,
    start: raw.span_start ?? 0,
    end: raw.span_end ?? 0,
    text: raw.text,
    createdAt: raw.created_at,
  };
}

/**
 * What the user said a reply should have been, one row per signal that said it: a rewrite of the
 * whole reply, or a marked span and its replacement. Written in the signal's transaction.
 */
export class ReplyCorrectionRepository {
  constructor(private readonly db: Db) {}

  add(correction: ReplyCorrection): void {
    this.db
      .prepare(
        `INSERT INTO reply_corrections (signal_id, message_id, kind, span_start, span_end, text, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        correction.signalId,
        correction.messageId,
        correction.kind,
        correction.kind === 'inline_mark' ? correction.start : null,
        correction.kind === 'inline_mark' ? correction.end : null,
        correction.text,
        correction.createdAt,
      );
  }

  /** A signal replaced by one that carries the same decision (a follow-up's hint joined it) hands its correction on. */
  moveToSignal(fromSignalId: string, toSignalId: string): void {
    this.db.prepare(`UPDATE reply_corrections SET signal_id = ? WHERE signal_id = ?`).run(toSignalId, fromSignalId);
  }

  /** A reply's corrections whose signal is still live and not removed (or that came without one), oldest first. */
  listLiveForMessage(messageId: string): ReplyCorrection[] {
    const raws = this.db
      .prepare(
        `SELECT r.* FROM reply_corrections r LEFT JOIN signals s ON s.id = r.signal_id
         WHERE r.message_id = ? AND (r.signal_id IS NULL OR (s.superseded_by IS NULL AND s.removed_at IS NULL))
         ORDER BY r.created_at, r.id`,
      )
      .all(messageId) as RawCorrection[];
    return raws.map(toCorrection);
  }
}

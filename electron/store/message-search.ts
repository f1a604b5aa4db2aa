import type { Db } from './open-database';

/** Marks around the matched words in a snippet (control characters: they cannot occur in the text shown). */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

export interface MessageHit {
  messageId: string;
  conversationId: string;
  conversationTitle: string;
  personaId: string;
  personaName: string;
  role: 'user' | 'assistant';
  /** A few words around the match, the matched words between MATCH_START and MATCH_END. */
  snippet: string;
  createdAt: number;
}

/**
 * The FTS5 query for what the user typed: every word must occur, the last one as a prefix (results
 * come while typing). Words are quoted, so nothing typed is read as FTS syntax.
 */
export function ftsQuery(typed: string): string | null {
  const words = typed.match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/** Full-text search across the messages of live conversations, best matches first. */
export function searchMessages(db: Db, typed: string, options: { personaId?: string; limit?: number } = {}): MessageHit[] {
  const query = ftsQuery(typed);
  if (!query) return [];
  return db
    .prepare(
      `SELECT m.id AS messageId, m.conversation_id AS conversationId, c.title AS conversationTitle,
              p.id AS personaId, p.name AS personaName, m.role AS role, m.created_at AS createdAt,
              snippet(messages_fts, 0, :start, :end, '…', 14) AS snippet
       FROM messages_fts
       JOIN messages m ON m.rowid = messages_fts.rowid
       JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
       JOIN personas p ON p.id = c.persona_id AND p.deleted_at IS NULL
       WHERE messages_fts MATCH :query AND (:personaId IS NULL OR p.id = :personaId)
       ORDER BY bm25(messages_fts), m.created_at DESC
       LIMIT :limit`,
    )
    .all({ query, start: MATCH_START, end: MATCH_END, personaId: options.personaId ?? null, limit: options.limit ?? 30 }) as MessageHit[];
}

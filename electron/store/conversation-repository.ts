import { randomUUID } from 'node:crypto';
import type { Conversation } from '../../shared/domain';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

interface RawConversation {
  id: string;
  persona_id: string;
  title: string;
  created_at: number;
  updated_at: number;
}

function toConversation(raw: RawConversation): Conversation {
  return {
    id: raw.id,
    personaId: raw.persona_id,
    title: raw.title,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

/** Conversations are soft-deleted so the signals already sent for them keep their context. */
export class ConversationRepository {
  constructor(private readonly db: Db) {}

  create(personaId: string, title: string, now = Date.now()): Conversation {
    const raw = prepareOnce(
        this.db,
        `INSERT INTO conversations (id, persona_id, title, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(randomUUID(), personaId, title, now, now) as RawConversation;
    return toConversation(raw);
  }

  /** Live conversations of a persona, most recently active first. */
  listForPersona(personaId: string): Conversation[] {
    const raws = prepareOnce(
        this.db,
        `SELECT * FROM conversations WHERE persona_id = ? AND deleted_at IS NULL ORDER BY updated_at DESC, rowid DESC`,
      )
      .all(personaId) as RawConversation[];
    return raws.map(toConversation);
  }

  get(id: string): Conversation | null {
    const raw = prepareOnce(this.db, `SELECT * FROM conversations WHERE id = ? AND deleted_at IS NULL`).get(id) as
      | RawConversation
      | undefined;
    return raw ? toConversation(raw) : null;
  }

  /** The user's own title: the app never replaces it. */
  rename(id: string, title: string, now = Date.now()): Conversation | null {
    const raw = prepareOnce(this.db, `UPDATE conversations SET title = ?, title_source = 'user', updated_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING *`)
      .get(title, now, id) as RawConversation | undefined;
    return raw ? toConversation(raw) : null;
  }

  /**
   * A title the app made (a stand-in from the first message: 'auto'; a generated one: 'model'). It
   * replaces only an empty title or another stand-in, never one the user typed or one already generated.
   */
  setAppTitle(id: string, title: string, source: 'auto' | 'model'): Conversation | null {
    const raw = this.db
      .prepare(
        `UPDATE conversations SET title = ?, title_source = ?
         WHERE id = ? AND deleted_at IS NULL AND (title_source = 'auto' OR (title_source = 'user' AND title = '')) RETURNING *`,
      )
      .get(title, source, id) as RawConversation | undefined;
    return raw ? toConversation(raw) : null;
  }

  /** Whether the conversation's title is still the app's stand-in (a generated one may replace it). */
  hasStandInTitle(id: string): boolean {
    const row = this.db.prepare(`SELECT title_source, title FROM conversations WHERE id = ?`).get(id) as
      | { title_source: string; title: string }
      | undefined;
    return row !== undefined && (row.title_source === 'auto' || row.title === '');
  }

  /** Bumps updated_at so the conversation sorts first after new activity. */
  touch(id: string, now = Date.now()): void {
    prepareOnce(this.db, `UPDATE conversations SET updated_at = ? WHERE id = ?`).run(now, id);
  }

  softDelete(id: string, now = Date.now()): boolean {
    const info = prepareOnce(this.db, `UPDATE conversations SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`)
      .run(now, now, id);
    return info.changes === 1;
  }

  /** Brings back a deleted conversation (an import of it); false when it was not deleted. */
  restore(id: string, now = Date.now()): boolean {
    return this.db.prepare(`UPDATE conversations SET deleted_at = NULL, updated_at = ? WHERE id = ? AND deleted_at IS NOT NULL`).run(now, id).changes === 1;
  }

  /** Soft-deletes every conversation of a persona (the persona itself was deleted). */
  softDeleteForPersona(personaId: string, now = Date.now()): number {
    return prepareOnce(this.db, `UPDATE conversations SET deleted_at = ?, updated_at = ? WHERE persona_id = ? AND deleted_at IS NULL`)
      .run(now, now, personaId).changes;
  }
}

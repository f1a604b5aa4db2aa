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

  rename(id: string, title: string, now = Date.now()): Conversation | null {
    const raw = prepareOnce(this.db, `UPDATE conversations SET title = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING *`)
      .get(title, now, id) as RawConversation | undefined;
    return raw ? toConversation(raw) : null;
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

  /** Soft-deletes every conversation of a persona (the persona itself was deleted). */
  softDeleteForPersona(personaId: string, now = Date.now()): number {
    return prepareOnce(this.db, `UPDATE conversations SET deleted_at = ?, updated_at = ? WHERE persona_id = ? AND deleted_at IS NULL`)
      .run(now, now, personaId).changes;
  }
}

import type { ArchivedConversation, ArchivedMessage } from '../../shared/conversation-archive';
import type { Db } from './open-database';

interface RawArchivedMessage extends Omit<ArchivedMessage, 'selected'> {
  selected: 0 | 1;
}

/**
 * Whole conversations as the archive file holds them (every version of every turn), read for export
 * and written by import with their ids kept.
 */
export class ConversationArchiveRepository {
  constructor(private readonly db: Db) {}

  read(conversationId: string): ArchivedConversation | null {
    const conversation = this.db
      .prepare(
        `SELECT id, persona_id AS personaId, title, created_at AS createdAt, updated_at AS updatedAt
         FROM conversations WHERE id = ? AND deleted_at IS NULL`,
      )
      .get(conversationId) as Omit<ArchivedConversation, 'messages'> | undefined;
    if (!conversation) return null;
    const raws = this.db
      .prepare(
        `SELECT m.id, m.seq, m.parent_id AS parentId, m.role, m.content, m.reasoning, m.status, m.error, m.model,
                m.policy_version AS policyVersion, m.created_at AS createdAt, m.updated_at AS updatedAt,
                (SELECT e.text FROM reply_corrections e WHERE e.message_id = m.id AND e.kind = 'edit'
                 ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS editedContent,
                CASE WHEN m.parent_id IS NULL THEN (c.selected_root_id IS m.id)
                     ELSE ((SELECT p.selected_child_id FROM messages p WHERE p.id = m.parent_id) IS m.id) END AS selected
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.conversation_id = ? ORDER BY m.seq`,
      )
      .all(conversationId) as RawArchivedMessage[];
    return { ...conversation, messages: raws.map((m) => ({ ...m, selected: m.selected === 1 })) };
  }

  /** Whether a conversation with this id was ever stored (deleted ones count: an id is never reused). */
  has(conversationId: string): boolean {
    return this.db.prepare(`SELECT 1 FROM conversations WHERE id = ?`).get(conversationId) !== undefined;
  }

  /** Ids among `ids` that some stored message already has. */
  existingMessageIds(ids: readonly string[]): string[] {
    const found: string[] = [];
    const check = this.db.prepare(`SELECT 1 FROM messages WHERE id = ?`);
    for (const id of ids) if (check.get(id) !== undefined) found.push(id);
    return found;
  }

  /**
   * Writes an archived conversation as it was: ids, order, versions and which one each turn shows,
   * rewrites (without a signal: none came with the file). Runs in the caller's transaction. A reply
   * that was still streaming when exported ends as an interrupted error.
   */
  write(conversation: ArchivedConversation): void {
    this.db
      .prepare(
        `INSERT INTO conversations (id, persona_id, title, title_source, created_at, updated_at) VALUES (?, ?, ?, 'user', ?, ?)`,
      )
      .run(conversation.id, conversation.personaId, conversation.title, conversation.createdAt, conversation.updatedAt);
    const insert = this.db.prepare(
      `INSERT INTO messages (id, conversation_id, seq, role, content, reasoning, status, error, model, policy_version, parent_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const rewrite = this.db.prepare(
      `INSERT INTO reply_corrections (signal_id, message_id, kind, text, created_at) VALUES (NULL, ?, 'edit', ?, ?)`,
    );
    const selectChild = this.db.prepare(`UPDATE messages SET selected_child_id = ? WHERE id = ?`);
    const selectRoot = this.db.prepare(`UPDATE conversations SET selected_root_id = ? WHERE id = ?`);
    const messages = [...conversation.messages].sort((a, b) => a.seq - b.seq);
    for (const m of messages) {
      const interrupted = m.status === 'streaming';
      insert.run(
        m.id,
        conversation.id,
        m.seq,
        m.role,
        m.content,
        m.reasoning ?? null,
        interrupted ? 'error' : m.status,
        interrupted ? 'Interrupted: the reply was still streaming when it was exported.' : m.error,
        m.model,
        m.policyVersion,
        m.parentId,
        m.createdAt,
        m.updatedAt,
      );
      // The row's updatedAt is when the rewrite was made (it touched the row).
      if (m.editedContent !== null && m.role === 'assistant') rewrite.run(m.id, m.editedContent, m.updatedAt);
    }
    // Each turn shows its selected version; a turn the file marks no version of shows its newest.
    const turns = new Map<string | null, ArchivedMessage[]>();
    for (const m of messages) {
      const versions = turns.get(m.parentId);
      if (versions) versions.push(m);
      else turns.set(m.parentId, [m]);
    }
    for (const [parentId, versions] of turns) {
      const shown = versions.find((v) => v.selected) ?? versions[versions.length - 1]!;
      if (parentId === null) selectRoot.run(shown.id, conversation.id);
      else selectChild.run(shown.id, parentId);
    }
  }
}

import { randomUUID } from 'node:crypto';
import type { Message, MessageRole, MessageStatus, MessageTruncation, ServedBy } from '../../shared/domain';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

interface RawMessage {
  id: string;
  conversation_id: string;
  seq: number;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  error: string | null;
  model: string | null;
  policy_version: string | null;
  replaces_id: string | null;
  superseded_at: number | null;
  served_by: ServedBy | null;
  created_at: number;
  updated_at: number;
  truncation: MessageTruncation | null;
  parent_id: string | null;
  edited_content?: string | null;
  version_ids?: string;
}

function toMessage(raw: RawMessage): Message {
  const message: Message = {
    id: raw.id,
    conversationId: raw.conversation_id,
    seq: raw.seq,
    role: raw.role,
    content: raw.content,
    status: raw.status,
    error: raw.error,
    model: raw.model,
    policyVersion: raw.policy_version,
    replacesId: raw.replaces_id,
    supersededAt: raw.superseded_at,
    servedBy: raw.served_by,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    truncation: raw.truncation ?? null,
    parentId: raw.parent_id,
    editedContent: raw.edited_content ?? null,
  };
  if (raw.version_ids !== undefined) message.versionIds = JSON.parse(raw.version_ids) as string[];
  return message;
}

/** The newest rewrite of m made at or before :asOf (the thread's text for turns taken then). */
const EDITED_AS_OF = `(SELECT e.text FROM reply_corrections e
   WHERE e.message_id = m.id AND e.kind = 'edit' AND e.created_at <= :asOf
   ORDER BY e.created_at DESC, e.rowid DESC LIMIT 1) AS edited_content`;

/** Every version of m's turn (its siblings and itself), oldest first, as a JSON array. */
const VERSION_IDS = `(SELECT json_group_array(v.id) FROM (
     SELECT s.id FROM messages s WHERE s.conversation_id = m.conversation_id AND s.parent_id IS m.parent_id ORDER BY s.seq
   ) v) AS version_ids`;

export interface NewMessage {
  conversationId: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  model?: string | null;
  replacesId?: string | null;
  /** Replies: whether the box's policy serves it (the endpoint it is asked from). */
  servedBy?: ServedBy | null;
  /**
   * The message this one answers; null starts a new first message. Absent: the end of the visible
   * thread (or, for a replacement, the parent of the message it replaces).
   */
  parentId?: string | null;
}

export interface MessageOutcome {
  content: string;
  status: MessageStatus;
  error?: string | null;
  policyVersion?: string | null;
  truncation?: MessageTruncation | null;
}

/**
 * Messages of a conversation, numbered by `seq` (1, 2, …) in the order they were written. A
 * conversation is a tree (each message answers its parent; siblings are versions of one turn) and
 * the visible thread is the path of selected children from the selected root. A new message becomes
 * the selected one of its turn.
 */
export class MessageRepository {
  constructor(private readonly db: Db) {}

  /** Takes the next seq of the conversation; run inside a transaction when other writes depend on it. */
  insert(input: NewMessage, now = Date.now()): Message {
    const parentId =
      input.parentId !== undefined
        ? input.parentId
        : input.replacesId
          ? (this.get(input.replacesId)?.parentId ?? null)
          : (this.lastInThread(input.conversationId)?.id ?? null);
    const id = randomUUID();
    const row = prepareOnce(
      this.db,
      `INSERT INTO messages (id, conversation_id, seq, role, content, status, model, replaces_id, served_by, parent_id, created_at, updated_at)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING seq`,
    ).get(
      id,
      input.conversationId,
      input.conversationId,
      input.role,
      input.content,
      input.status,
      input.model ?? null,
      input.replacesId ?? null,
      input.servedBy ?? null,
      parentId,
      now,
      now,
    ) as { seq: number };
    this.markSelected(id, input.conversationId, parentId);
    // Built here rather than read back: the content is what was just written, and a new message has no rewrite.
    return {
      id,
      conversationId: input.conversationId,
      seq: row.seq,
      role: input.role,
      content: input.content,
      status: input.status,
      error: null,
      model: input.model ?? null,
      policyVersion: null,
      replacesId: input.replacesId ?? null,
      supersededAt: null,
      servedBy: input.servedBy ?? null,
      createdAt: now,
      updatedAt: now,
      truncation: null,
      parentId,
      editedContent: null,
    };
  }

  /** The message with its current text (the newest rewrite, if the user rewrote it). */
  get(id: string): Message | null {
    const raw = prepareOnce(this.db, `SELECT m.*, ${EDITED_AS_OF} FROM messages m WHERE m.id = :id`).get({
      id,
      asOf: Number.MAX_SAFE_INTEGER,
    }) as RawMessage | undefined;
    return raw ? toMessage(raw) : null;
  }

  /** The visible thread from its first message, each with its versions and current text. */
  listThread(conversationId: string): Message[] {
    const raws = prepareOnce(
      this.db,
      `WITH RECURSIVE path(id, depth) AS (
         SELECT selected_root_id, 0 FROM conversations WHERE id = :conversationId AND selected_root_id IS NOT NULL
         UNION ALL
         SELECT p.selected_child_id, path.depth + 1 FROM messages p JOIN path ON p.id = path.id
         WHERE p.selected_child_id IS NOT NULL
       )
       SELECT m.*, ${EDITED_AS_OF}, ${VERSION_IDS} FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth`,
    ).all({ conversationId, asOf: Number.MAX_SAFE_INTEGER }) as RawMessage[];
    return raws.map(toMessage);
  }

  /**
   * The messages `messageId` answers, first one first: the context it was (or will be) written in.
   * A rewritten reply counts with the newest rewrite made at or before `asOf` (what the policy saw then).
   */
  ancestorsOf(messageId: string, asOf = Number.MAX_SAFE_INTEGER): Message[] {
    const raws = prepareOnce(
      this.db,
      `WITH RECURSIVE up(id, depth) AS (
         SELECT parent_id, 1 FROM messages WHERE id = :messageId AND parent_id IS NOT NULL
         UNION ALL
         SELECT p.parent_id, up.depth + 1 FROM messages p JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL
       )
       SELECT m.*, ${EDITED_AS_OF} FROM up JOIN messages m ON m.id = up.id ORDER BY up.depth DESC`,
    ).all({ messageId, asOf }) as RawMessage[];
    return raws.map(toMessage);
  }

  /**
   * The user turns `messageId` answers, newest first, at most `limit` of them: the walk up the tree
   * stops as soon as it has them, so the previous request costs the same at the 1,000th reply as at
   * the first. (The next page starts from the last turn returned.)
   */
  userTurnsAbove(messageId: string, limit: number): { id: string; content: string }[] {
    return prepareOnce(
      this.db,
      // The walk carries what it returns and is read straight from the CTE, nearest first: SQLite then
      // stops recursing at the LIMIT (a join after the CTE walked the whole chain, in no set order).
      `WITH RECURSIVE up(id, parent_id, role, content) AS (
         SELECT p.id, p.parent_id, p.role, p.content FROM messages c JOIN messages p ON p.id = c.parent_id WHERE c.id = ?
         UNION ALL
         SELECT p.id, p.parent_id, p.role, p.content FROM up JOIN messages p ON p.id = up.parent_id
       )
       SELECT id, content FROM up WHERE role = 'user' LIMIT ?`,
    ).all(messageId, limit) as { id: string; content: string }[];
  }

  /** The last message of the visible thread, if any. */
  lastInThread(conversationId: string): Message | null {
    let id = (
      prepareOnce(this.db, `SELECT selected_root_id AS id FROM conversations WHERE id = ?`).get(conversationId) as
        | { id: string | null }
        | undefined
    )?.id;
    const next = prepareOnce(this.db, `SELECT selected_child_id AS id FROM messages WHERE id = ?`);
    let last: string | null = null;
    while (id) {
      last = id;
      id = (next.get(id) as { id: string | null } | undefined)?.id ?? null;
    }
    return last ? this.get(last) : null;
  }

  /** Whether the message is on its conversation's visible thread. */
  isInThread(message: Pick<Message, 'id' | 'conversationId'>): boolean {
    let current: { id: string; parent_id: string | null } | undefined = this.db
      .prepare(`SELECT id, parent_id FROM messages WHERE id = ?`)
      .get(message.id) as { id: string; parent_id: string | null } | undefined;
    const parent = this.db.prepare(`SELECT id, parent_id, selected_child_id FROM messages WHERE id = ?`);
    while (current) {
      if (current.parent_id === null) {
        const root = this.db.prepare(`SELECT selected_root_id FROM conversations WHERE id = ?`).get(message.conversationId) as
          | { selected_root_id: string | null }
          | undefined;
        return root?.selected_root_id === current.id;
      }
      const up = parent.get(current.parent_id) as { id: string; parent_id: string | null; selected_child_id: string | null } | undefined;
      if (!up || up.selected_child_id !== current.id) return false;
      current = up;
    }
    return false;
  }

  /**
   * Puts a message on the visible thread: it becomes the selected version of its turn, and so does
   * each message it answers. Below it, each branch keeps the version chosen there before.
   */
  select(id: string): void {
    const row = this.db.prepare(`SELECT conversation_id, parent_id FROM messages WHERE id = ?`);
    let current: string | null = id;
    while (current) {
      const found = row.get(current) as { conversation_id: string; parent_id: string | null } | undefined;
      if (!found) return;
      this.markSelected(current, found.conversation_id, found.parent_id);
      current = found.parent_id;
    }
  }

  /** The versions of a turn (messages with the same parent), oldest first. */
  versionsOf(message: Pick<Message, 'conversationId' | 'parentId'>): Message[] {
    const raws = this.db
      .prepare(
        `SELECT m.*, ${EDITED_AS_OF} FROM messages m
         WHERE m.conversation_id = :conversationId AND m.parent_id IS :parentId ORDER BY m.seq`,
      )
      .all({ conversationId: message.conversationId, parentId: message.parentId ?? null, asOf: Number.MAX_SAFE_INTEGER }) as RawMessage[];
    return raws.map(toMessage);
  }

  /** Saves streamed text so far (the reply stays 'streaming'). */
  saveProgress(id: string, content: string, now = Date.now()): void {
    prepareOnce(this.db, `UPDATE messages SET content = ?, updated_at = ? WHERE id = ? AND status = 'streaming'`)
      .run(content, now, id);
  }

  finish(id: string, outcome: MessageOutcome, now = Date.now()): Message | null {
    const info = prepareOnce(
      this.db,
      `UPDATE messages SET content = ?, status = ?, error = ?, policy_version = COALESCE(?, policy_version), truncation = ?,
       updated_at = ? WHERE id = ?`,
    ).run(outcome.content, outcome.status, outcome.error ?? null, outcome.policyVersion ?? null, outcome.truncation ?? null, now, id);
    return info.changes === 1 ? this.get(id) : null;
  }

  /** Marks a reply as replaced by a newer version; it stays stored and selectable. */
  supersede(id: string, now = Date.now()): void {
    prepareOnce(this.db, `UPDATE messages SET superseded_at = ?, updated_at = ? WHERE id = ?`).run(now, now, id);
  }

  /** Bumps updated_at (the row changed in a way its columns do not show, e.g. it was rewritten). */
  touch(id: string, now = Date.now()): void {
    prepareOnce(this.db, `UPDATE messages SET updated_at = MAX(updated_at + 1, ?) WHERE id = ?`).run(now, id);
  }

  /** Replies still marked 'streaming' after a restart were cut off; returns how many were closed. */
  closeInterrupted(error: string, now = Date.now()): number {
    return prepareOnce(this.db, `UPDATE messages SET status = 'error', error = ?, updated_at = ? WHERE status = 'streaming'`)
      .run(error, now).changes;
  }

  private markSelected(id: string, conversationId: string, parentId: string | null): void {
    if (parentId === null) {
      prepareOnce(this.db, `UPDATE conversations SET selected_root_id = ? WHERE id = ?`).run(id, conversationId);
    } else {
      prepareOnce(this.db, `UPDATE messages SET selected_child_id = ? WHERE id = ?`).run(id, parentId);
    }
  }
}

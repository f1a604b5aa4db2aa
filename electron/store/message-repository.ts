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
}

function toMessage(raw: RawMessage): Message {
  return {
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
  };
}

export interface NewMessage {
  conversationId: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  model?: string | null;
  replacesId?: string | null;
  /** Replies: whether the box's policy serves it (the endpoint it is asked from). */
  servedBy?: ServedBy | null;
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
 * regenerated reply keeps its row (superseded_at set) but leaves the visible thread.
 */
export class MessageRepository {
  /**
   * Goes up whenever this connection takes a message out of its thread (supersede), so caches of a
   * thread's turns (the follow-up context) know to read again.
   */
  threadChanges = 0;

  constructor(private readonly db: Db) {}

  /** Takes the next seq of the conversation; run inside a transaction when other writes depend on it. */
  insert(input: NewMessage, now = Date.now()): Message {
    const id = randomUUID();
    const row = prepareOnce(
      this.db,
      `INSERT INTO messages (id, conversation_id, seq, role, content, status, model, replaces_id, served_by, created_at, updated_at)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = ?), ?, ?, ?, ?, ?, ?, ?, ?)
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
      now,
      now,
    ) as { seq: number };
    // Built here rather than read back (RETURNING *): the content is what was just written.
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
    };
  }

  get(id: string): Message | null {
    const raw = prepareOnce(this.db, `SELECT * FROM messages WHERE id = ?`).get(id) as RawMessage | undefined;
    return raw ? toMessage(raw) : null;
  }

  /** The visible thread in order: superseded (regenerated) replies are left out. */
  listThread(conversationId: string): Message[] {
    const raws = prepareOnce(this.db, `SELECT * FROM messages WHERE conversation_id = ? AND superseded_at IS NULL ORDER BY seq`)
      .all(conversationId) as RawMessage[];
    return raws.map(toMessage);
  }

  /** The visible messages that come before `seq` (the context of the message at `seq`). */
  listThreadBefore(conversationId: string, seq: number): Message[] {
    const raws = prepareOnce(
        this.db,
        `SELECT * FROM messages WHERE conversation_id = ? AND superseded_at IS NULL AND seq < ? ORDER BY seq`,
      )
      .all(conversationId, seq) as RawMessage[];
    return raws.map(toMessage);
  }

  /** The last visible message of the thread, if any. */
  lastInThread(conversationId: string): Message | null {
    const raw = prepareOnce(this.db, `SELECT * FROM messages WHERE conversation_id = ? AND superseded_at IS NULL ORDER BY seq DESC LIMIT 1`)
      .get(conversationId) as RawMessage | undefined;
    return raw ? toMessage(raw) : null;
  }

  /** Saves streamed text so far (the reply stays 'streaming'). */
  saveProgress(id: string, content: string, now = Date.now()): void {
    prepareOnce(this.db, `UPDATE messages SET content = ?, updated_at = ? WHERE id = ? AND status = 'streaming'`)
      .run(content, now, id);
  }

  finish(id: string, outcome: MessageOutcome, now = Date.now()): Message | null {
    const raw = prepareOnce(
        this.db,
        `UPDATE messages SET content = ?, status = ?, error = ?, policy_version = COALESCE(?, policy_version), truncation = ?,
         updated_at = ? WHERE id = ? RETURNING *`,
      )
      .get(outcome.content, outcome.status, outcome.error ?? null, outcome.policyVersion ?? null, outcome.truncation ?? null, now, id) as
      | RawMessage
      | undefined;
    return raw ? toMessage(raw) : null;
  }

  /** The newest `limit` visible user turns before `seq`, newest first (read through the (conversation, seq) index). */
  userTurnsBefore(conversationId: string, seq: number, limit: number): { seq: number; content: string }[] {
    return prepareOnce(
      this.db,
      `SELECT seq, content FROM messages
       WHERE conversation_id = ? AND seq < ? AND role = 'user' AND superseded_at IS NULL ORDER BY seq DESC LIMIT ?`,
    ).all(conversationId, seq, limit) as { seq: number; content: string }[];
  }

  /** The visible user turns with afterSeq < seq < beforeSeq, oldest first. */
  userTurnsBetween(conversationId: string, afterSeq: number, beforeSeq: number): { seq: number; content: string }[] {
    return prepareOnce(
      this.db,
      `SELECT seq, content FROM messages
       WHERE conversation_id = ? AND seq > ? AND seq < ? AND role = 'user' AND superseded_at IS NULL ORDER BY seq`,
    ).all(conversationId, afterSeq, beforeSeq) as { seq: number; content: string }[];
  }

  supersede(id: string, now = Date.now()): void {
    this.threadChanges += 1;
    prepareOnce(this.db, `UPDATE messages SET superseded_at = ?, updated_at = ? WHERE id = ?`).run(now, now, id);
  }

  /** Replies still marked 'streaming' after a restart were cut off; returns how many were closed. */
  closeInterrupted(error: string, now = Date.now()): number {
    return prepareOnce(this.db, `UPDATE messages SET status = 'error', error = ?, updated_at = ? WHERE status = 'streaming'`)
      .run(error, now).changes;
  }
}

import { randomUUID } from 'node:crypto';
import type { Reward, Signal, SignalKind, SignalSource } from '../../shared/domain';
import type { Db } from './open-database';

interface RawSignal {
  id: string;
  persona_id: string;
  conversation_id: string;
  message_id: string;
  kind: SignalKind;
  reward: Reward;
  confidence: number;
  source: SignalSource;
  evidence: string;
  trigger_message_id: string | null;
  superseded_by: string | null;
  created_at: number;
}

function toSignal(raw: RawSignal): Signal {
  return {
    id: raw.id,
    personaId: raw.persona_id,
    conversationId: raw.conversation_id,
    messageId: raw.message_id,
    kind: raw.kind,
    reward: raw.reward,
    confidence: raw.confidence,
    source: raw.source,
    evidence: JSON.parse(raw.evidence) as string[],
    triggerMessageId: raw.trigger_message_id,
    supersededBy: raw.superseded_by,
    createdAt: raw.created_at,
  };
}

export type NewSignal = Omit<Signal, 'id' | 'supersededBy' | 'createdAt'>;

export interface SignalCounts {
  total: number;
  positive: number;
  negative: number;
}

/** Rewards read from the user's behaviour; a later signal for the same turn may supersede one. */
export class SignalRepository {
  constructor(private readonly db: Db) {}

  insert(input: NewSignal, now = Date.now()): Signal {
    const raw = this.db
      .prepare(
        `INSERT INTO signals (id, persona_id, conversation_id, message_id, kind, reward, confidence, source, evidence,
                              trigger_message_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        randomUUID(),
        input.personaId,
        input.conversationId,
        input.messageId,
        input.kind,
        input.reward,
        input.confidence,
        input.source,
        JSON.stringify(input.evidence),
        input.triggerMessageId,
        now,
      ) as RawSignal;
    return toSignal(raw);
  }

  get(id: string): Signal | null {
    const raw = this.db.prepare(`SELECT * FROM signals WHERE id = ?`).get(id) as RawSignal | undefined;
    return raw ? toSignal(raw) : null;
  }

  /** Signals of a message that nothing has superseded yet, oldest first. */
  listActiveForMessage(messageId: string): Signal[] {
    const raws = this.db
      .prepare(`SELECT * FROM signals WHERE message_id = ? AND superseded_by IS NULL ORDER BY created_at, rowid`)
      .all(messageId) as RawSignal[];
    return raws.map(toSignal);
  }

  listForConversation(conversationId: string): Signal[] {
    const raws = this.db
      .prepare(`SELECT * FROM signals WHERE conversation_id = ? ORDER BY created_at, rowid`)
      .all(conversationId) as RawSignal[];
    return raws.map(toSignal);
  }

  /** Marks `id` as replaced by `byId`; false when it was already superseded. */
  supersede(id: string, byId: string): boolean {
    return (
      this.db.prepare(`UPDATE signals SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL`).run(byId, id)
        .changes === 1
    );
  }

  /** Counts the persona's live (not superseded) signals. */
  countsForPersona(personaId: string): SignalCounts {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS total,
                COALESCE(SUM(reward = 1), 0) AS positive,
                COALESCE(SUM(reward = -1), 0) AS negative
         FROM signals WHERE persona_id = ? AND superseded_by IS NULL`,
      )
      .get(personaId) as SignalCounts;
    return row;
  }
}

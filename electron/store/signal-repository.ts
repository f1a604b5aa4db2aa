import { randomUUID } from 'node:crypto';
import type { Reward, Signal, SignalKind, SignalSource } from '../../shared/domain';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

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
    const signal: Signal = {
      id: randomUUID(),
      personaId: input.personaId,
      conversationId: input.conversationId,
      messageId: input.messageId,
      kind: input.kind,
      reward: input.reward,
      confidence: input.confidence,
      source: input.source,
      evidence: [...input.evidence],
      triggerMessageId: input.triggerMessageId,
      supersededBy: null,
      createdAt: now,
    };
    // Built here rather than read back (RETURNING *): a turn writes several rows and reads none of them.
    prepareOnce(
      this.db,
      `INSERT INTO signals (id, persona_id, conversation_id, message_id, kind, reward, confidence, source, evidence,
                            trigger_message_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      signal.id,
      signal.personaId,
      signal.conversationId,
      signal.messageId,
      signal.kind,
      signal.reward,
      signal.confidence,
      signal.source,
      JSON.stringify(signal.evidence),
      signal.triggerMessageId,
      now,
    );
    return signal;
  }

  get(id: string): Signal | null {
    const raw = prepareOnce(this.db, `SELECT * FROM signals WHERE id = ?`).get(id) as RawSignal | undefined;
    return raw ? toSignal(raw) : null;
  }

  /** Signals of a message that nothing has superseded yet, oldest first. */
  listActiveForMessage(messageId: string): Signal[] {
    const raws = prepareOnce(this.db, `SELECT * FROM signals WHERE message_id = ? AND superseded_by IS NULL ORDER BY created_at, rowid`)
      .all(messageId) as RawSignal[];
    return raws.map(toSignal);
  }

  listForConversation(conversationId: string): Signal[] {
    const raws = prepareOnce(this.db, `SELECT * FROM signals WHERE conversation_id = ? ORDER BY created_at, rowid`)
      .all(conversationId) as RawSignal[];
    return raws.map(toSignal);
  }

  /** Marks `id` as replaced by `byId`; false when it was already superseded. */
  supersede(id: string, byId: string): boolean {
    return (
      prepareOnce(this.db, `UPDATE signals SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL`).run(byId, id)
        .changes === 1
    );
  }

  /** Counts the persona's live (not superseded) signals, from the counters the schema's triggers keep. */
  countsForPersona(personaId: string): SignalCounts {
    const rows = prepareOnce(this.db, `SELECT counter, n FROM persona_counts WHERE persona_id = ? AND counter >= 'signals:' AND counter < 'signals;'`).all(
      personaId,
    ) as { counter: string; n: number }[];
    const counts: SignalCounts = { total: 0, positive: 0, negative: 0 };
    for (const { counter, n } of rows) {
      counts.total += n;
      if (counter === 'signals:1') counts.positive += n;
      else if (counter === 'signals:-1') counts.negative += n;
    }
    return counts;
  }
}

import { randomUUID } from 'node:crypto';
import {
  JudgeTallySchema,
  type DecidedBy,
  type JudgeTally,
  type Reward,
  type Signal,
  type SignalKind,
  type SignalSource,
  type TrainingFate,
} from '../../shared/domain';
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
  decided_by: DecidedBy;
  judge_tally: string | null;
  fate: TrainingFate;
  removed_at: number | null;
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
    decidedBy: raw.decided_by,
    judgeTally: raw.judge_tally === null ? null : JudgeTallySchema.parse(JSON.parse(raw.judge_tally)),
    fate: raw.fate,
    removedAt: raw.removed_at,
    createdAt: raw.created_at,
  };
}

export type NewSignal = Omit<Signal, 'id' | 'supersededBy' | 'removedAt' | 'createdAt'>;

/** What the box (or the app's judge) decided about a signal after it was recorded. */
export interface SignalTrustUpdate {
  decidedBy: DecidedBy;
  judgeTally: JudgeTally | null;
  fate: TrainingFate;
}

/** Fates a later box event cannot change: the user's removal wins over anything the box reports. */
const SETTLED_BY_USER = `fate NOT IN ('removed', 'reverted')`;

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
      decidedBy: input.decidedBy,
      judgeTally: input.judgeTally === null ? null : JudgeTallySchema.parse(input.judgeTally),
      fate: input.fate,
      removedAt: null,
      createdAt: now,
    };
    // Built here rather than read back (RETURNING *): a turn writes several rows and reads none of them.
    prepareOnce(
      this.db,
      `INSERT INTO signals (id, persona_id, conversation_id, message_id, kind, reward, confidence, source, evidence,
                            trigger_message_id, decided_by, judge_tally, fate, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      signal.decidedBy,
      signal.judgeTally === null ? null : JSON.stringify(signal.judgeTally),
      signal.fate,
      now,
    );
    return signal;
  }

  get(id: string): Signal | null {
    const raw = prepareOnce(this.db, `SELECT * FROM signals WHERE id = ?`).get(id) as RawSignal | undefined;
    return raw ? toSignal(raw) : null;
  }

  /** Signals of a message that nothing has superseded and the user has not removed, oldest first. */
  listActiveForMessage(messageId: string): Signal[] {
    const raws = prepareOnce(this.db, `SELECT * FROM signals WHERE message_id = ? AND superseded_by IS NULL AND removed_at IS NULL ORDER BY created_at, rowid`)
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

  /**
   * The user removed the signal: it leaves the reply's live signals and is shown as removed, or as
   * reverted when a training step had already used it. Null when it was already removed or unknown.
   */
  remove(id: string, now = Date.now()): Signal | null {
    const raw = prepareOnce(
      this.db,
      `UPDATE signals SET removed_at = ?, fate = CASE fate WHEN 'trained' THEN 'reverted' ELSE 'removed' END
       WHERE id = ? AND removed_at IS NULL RETURNING *`,
    ).get(now, id) as RawSignal | undefined;
    return raw ? toSignal(raw) : null;
  }

  /** Records who decided the reward and whether it trains; a removed signal keeps its fate. */
  updateTrust(id: string, update: SignalTrustUpdate): boolean {
    return (
      this.db
        .prepare(`UPDATE signals SET decided_by = ?, judge_tally = ?, fate = ? WHERE id = ? AND ${SETTLED_BY_USER}`)
        .run(update.decidedBy, update.judgeTally === null ? null : JSON.stringify(update.judgeTally), update.fate, id).changes === 1
    );
  }

  /** A training step used these signals (ids of other boxes' samples are simply not found). */
  markTrained(ids: readonly string[]): number {
    const mark = this.db.prepare(`UPDATE signals SET fate = 'trained' WHERE id = ? AND ${SETTLED_BY_USER}`);
    let changed = 0;
    for (const id of new Set(ids)) changed += mark.run(id).changes;
    return changed;
  }

  /** A removal the box answered after training had used the signal: shown as reverted. */
  markReverted(id: string): boolean {
    return this.db.prepare(`UPDATE signals SET fate = 'reverted' WHERE id = ? AND removed_at IS NOT NULL`).run(id).changes === 1;
  }

  /** Counts the persona's live (not superseded, not removed) signals, from the counters the schema's triggers keep. */
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

import { randomUUID } from 'node:crypto';
import type { Hint, HintSource, HintStatus } from '../../shared/domain';
import type { Db } from './open-database';
import { prepareOnce } from './prepare-once';

interface RawHint {
  id: string;
  signal_id: string;
  persona_id: string;
  message_id: string;
  text: string;
  source: HintSource;
  status: HintStatus;
  created_at: number;
  updated_at: number;
}

function toHint(raw: RawHint): Hint {
  return {
    id: raw.id,
    signalId: raw.signal_id,
    personaId: raw.persona_id,
    messageId: raw.message_id,
    text: raw.text,
    source: raw.source,
    status: raw.status,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

export type NewHint = Pick<Hint, 'signalId' | 'personaId' | 'messageId' | 'text' | 'source' | 'status'>;

/** OPD hints: at most one per signal. 'pending' ones wait for the user's review. */
export class HintRepository {
  constructor(private readonly db: Db) {}

  insert(input: NewHint, now = Date.now()): Hint {
    const hint: Hint = {
      id: randomUUID(),
      signalId: input.signalId,
      personaId: input.personaId,
      messageId: input.messageId,
      text: input.text,
      source: input.source,
      status: input.status,
      createdAt: now,
      updatedAt: now,
    };
    prepareOnce(
      this.db,
      `INSERT INTO hints (id, signal_id, persona_id, message_id, text, source, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(hint.id, hint.signalId, hint.personaId, hint.messageId, hint.text, hint.source, hint.status, now, now);
    return hint;
  }

  get(id: string): Hint | null {
    const raw = prepareOnce(this.db, `SELECT * FROM hints WHERE id = ?`).get(id) as RawHint | undefined;
    return raw ? toHint(raw) : null;
  }

  getBySignal(signalId: string): Hint | null {
    const raw = prepareOnce(this.db, `SELECT * FROM hints WHERE signal_id = ?`).get(signalId) as RawHint | undefined;
    return raw ? toHint(raw) : null;
  }

  /** Newest first. */
  listForPersona(personaId: string, status?: HintStatus): Hint[] {
    const raws = (
      status
        ? prepareOnce(this.db, `SELECT * FROM hints WHERE persona_id = ? AND status = ? ORDER BY created_at DESC, rowid DESC`)
            .all(personaId, status)
        : prepareOnce(this.db, `SELECT * FROM hints WHERE persona_id = ? ORDER BY created_at DESC, rowid DESC`).all(personaId)
    ) as RawHint[];
    return raws.map(toHint);
  }

  listForConversation(conversationId: string): Hint[] {
    const raws = prepareOnce(
        this.db,
        `SELECT h.* FROM hints h JOIN signals s ON s.id = h.signal_id
         WHERE s.conversation_id = ? ORDER BY h.created_at, h.rowid`,
      )
      .all(conversationId) as RawHint[];
    return raws.map(toHint);
  }

  /** Moves a pending hint to approved/rejected (optionally with edited text); null when it was not pending. */
  review(id: string, status: 'approved' | 'rejected', text: string | null, now = Date.now()): Hint | null {
    const raw = prepareOnce(
        this.db,
        `UPDATE hints SET status = ?, text = COALESCE(?, text),
                          source = CASE WHEN ? IS NOT NULL AND ? <> text THEN 'user' ELSE source END,
                          updated_at = ?
         WHERE id = ? AND status = 'pending' RETURNING *`,
      )
      .get(status, text, text, text, now, id) as RawHint | undefined;
    return raw ? toHint(raw) : null;
  }

  /** Live hints of a persona (rejected ones left out), from the counter the schema's triggers keep. */
  countUsableForPersona(personaId: string): number {
    const row = prepareOnce(this.db, `SELECT n FROM persona_counts WHERE persona_id = ? AND counter = 'hints:usable'`).get(personaId) as
      | { n: number }
      | undefined;
    return row?.n ?? 0;
  }
}

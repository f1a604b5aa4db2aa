import type { Db } from './open-database';

export interface PendingWithdrawal {
  sampleId: string;
  personaId: string;
  signalId: string;
  createdAt: number;
}

/**
 * Removed signals the box must be told about. A row waits ('pending') until the box answers that it
 * recorded the withdrawal; the sync worker sends pending rows on every connection, so a withdrawal
 * outlives restarts and dropped links like the outbox does.
 */
export class WithdrawalRepository {
  constructor(private readonly db: Db) {}

  /** Must run inside the caller's transaction together with the removal. */
  enqueue(input: { sampleId: string; personaId: string; signalId: string }, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO withdrawals (sample_id, persona_id, signal_id, state, created_at) VALUES (?, ?, ?, 'pending', ?)
         ON CONFLICT(sample_id) DO NOTHING`,
      )
      .run(input.sampleId, input.personaId, input.signalId, now);
  }

  pending(limit = 500): PendingWithdrawal[] {
    const rows = this.db
      .prepare(`SELECT sample_id, persona_id, signal_id, created_at FROM withdrawals WHERE state = 'pending' ORDER BY created_at, rowid LIMIT ?`)
      .all(limit) as { sample_id: string; persona_id: string; signal_id: string; created_at: number }[];
    return rows.map((r) => ({ sampleId: r.sample_id, personaId: r.persona_id, signalId: r.signal_id, createdAt: r.created_at }));
  }

  /** The box recorded it; true when this call settled the row. */
  markAnswered(sampleId: string, now = Date.now()): boolean {
    return (
      this.db.prepare(`UPDATE withdrawals SET state = 'answered', answered_at = ? WHERE sample_id = ? AND state = 'pending'`).run(now, sampleId)
        .changes === 1
    );
  }

  state(sampleId: string): 'pending' | 'answered' | null {
    const row = this.db.prepare('SELECT state FROM withdrawals WHERE sample_id = ?').get(sampleId) as { state: 'pending' | 'answered' } | undefined;
    return row?.state ?? null;
  }
}

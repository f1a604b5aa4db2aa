import { applyModuleMigrations, type BoxDb, type ModuleMigration } from './box-database';

export interface Withdrawal {
  sampleId: string;
  personaId: string;
  clientId: string;
  /** When the user removed the signal (the app's clock). */
  at: number;
}

export interface StoredWithdrawal extends Withdrawal {
  /** Insertion order: lets consumers walk the log after a known point. */
  seq: number;
  receivedAt: number;
}

/**
 * Signals the user removed, as their apps told the box (ws `withdraw` frames). Kept apart from the
 * samples: a withdrawal may arrive before its sample, after it, or for a sample that never comes.
 */
const withdrawalMigrations: readonly ModuleMigration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE withdrawals (
  sample_id TEXT PRIMARY KEY,
  persona_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
);
`,
  },
];

interface WithdrawalRow {
  seq: number;
  sample_id: string;
  persona_id: string;
  client_id: string;
  at: number;
  received_at: number;
}

/** The durable withdrawal log; `record` returns only after the row is committed (what makes the answer safe). */
export class WithdrawalLog {
  private readonly insert;
  private readonly after;

  constructor(db: BoxDb) {
    applyModuleMigrations(db, 'withdrawals', withdrawalMigrations);
    this.insert = db.prepare(
      `INSERT INTO withdrawals (sample_id, persona_id, client_id, at, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(sample_id) DO NOTHING`,
    );
    this.after = db.prepare('SELECT rowid AS seq, * FROM withdrawals WHERE rowid > ? ORDER BY rowid LIMIT ?');
  }

  record(withdrawal: Withdrawal, receivedAt = Date.now()): { duplicate: boolean } {
    const info = this.insert.run(withdrawal.sampleId, withdrawal.personaId, withdrawal.clientId, withdrawal.at, receivedAt);
    return { duplicate: info.changes === 0 };
  }

  /** Withdrawals recorded after `seq`, oldest first. */
  listAfter(seq: number, limit = 1_000): StoredWithdrawal[] {
    return (this.after.all(seq, limit) as WithdrawalRow[]).map((r) => ({
      seq: r.seq,
      sampleId: r.sample_id,
      personaId: r.persona_id,
      clientId: r.client_id,
      at: r.at,
      receivedAt: r.received_at,
    }));
  }
}

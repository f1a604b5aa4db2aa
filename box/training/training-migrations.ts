import type { ModuleMigration } from '../gateway/box-database';

/**
 * The training module's tables in the gateway's SQLite file:
 *  - training_sources: every delivered app sample waiting to be built (the durable build queue);
 *  - training_superseded: sample ids a newer sample replaced, remembered even if the old one is
 *    not here yet (delivery order is not guaranteed across reconnects);
 *  - training_samples: built TrainerSamples; seq is their index and the queue order;
 *  - training_state: small key/value facts (policy version, sample-log cursor).
 */
export const trainingMigrations: readonly ModuleMigration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE training_sources (
  sample_id TEXT PRIMARY KEY,
  persona_id TEXT NOT NULL,
  turn_id TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'built', 'failed', 'superseded')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  build_note TEXT,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX training_sources_pending ON training_sources(state, next_attempt_at);

CREATE TABLE training_superseded (
  sample_id TEXT PRIMARY KEY,
  by_sample_id TEXT NOT NULL,
  at INTEGER NOT NULL
);

CREATE TABLE training_samples (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sample_id TEXT NOT NULL UNIQUE,
  source_sample_id TEXT NOT NULL,
  persona_id TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ready', 'leased', 'trained', 'superseded', 'skipped')),
  lease_until INTEGER,
  leases INTEGER NOT NULL DEFAULT 0,
  trained_step INTEGER,
  trained_policy_version TEXT,
  trained_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX training_samples_by_state ON training_samples(state, seq);
CREATE INDEX training_samples_by_source ON training_samples(source_sample_id);

CREATE TABLE training_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
];

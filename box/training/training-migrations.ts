import type { ModuleMigration } from '../gateway/box-database';

/**
 * The training module's tables in the gateway's SQLite file:
 *  - training_sources: every delivered app sample waiting to be built (the durable build queue);
 *  - training_superseded: sample ids a newer sample replaced, remembered even if the old one is
 *    not here yet (delivery order is not guaranteed across reconnects);
 *  - training_samples: built TrainerSamples; seq is their index and the queue order;
 *  - training_state: small key/value facts (policy version, sample-log cursor).
 * Version 2 lets samples be 'trained_unsaved' (trained in a step whose weights are not on disk yet)
 * and 'failed' (the trainer refused them, with the error), and counts a source's engine outages apart
 * from its build attempts. Version 3 records whether a failed source failed for good (the engine's
 * tokens disagree, it refused the request, a contract break, attempts used up on the sample's own
 * errors): only the others get another set of attempts when the engine is back or the gateway restarts.
 * Version 4 counts a source's 5xx answers apart (the engine was up enough to answer), so a sample
 * the engine always fails on is given up after a cap instead of retried forever.
 * Version 5 lets a source refer to the gateway's sample log for its body instead of copying it (a
 * 15 MB sample is then written once, by the ingest worker), and records the body's length so a
 * sample too large to train is settled without being read.
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
  {
    version: 2,
    sql: `
CREATE TABLE training_samples_v2 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sample_id TEXT NOT NULL UNIQUE,
  source_sample_id TEXT NOT NULL,
  persona_id TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ready', 'leased', 'trained', 'trained_unsaved', 'superseded', 'skipped', 'failed')),
  lease_until INTEGER,
  leases INTEGER NOT NULL DEFAULT 0,
  trained_step INTEGER,
  trained_policy_version TEXT,
  trained_at INTEGER,
  created_at INTEGER NOT NULL,
  error TEXT
);
INSERT INTO training_samples_v2 (seq, sample_id, source_sample_id, persona_id, body, state, lease_until, leases, trained_step, trained_policy_version, trained_at, created_at)
  SELECT seq, sample_id, source_sample_id, persona_id, body, state, lease_until, leases, trained_step, trained_policy_version, trained_at, created_at FROM training_samples;
DROP TABLE training_samples;
ALTER TABLE training_samples_v2 RENAME TO training_samples;
CREATE INDEX training_samples_by_state ON training_samples(state, seq);
CREATE INDEX training_samples_by_source ON training_samples(source_sample_id);
ALTER TABLE training_sources ADD COLUMN outages INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 3,
    sql: `ALTER TABLE training_sources ADD COLUMN failed_permanently INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 4,
    sql: `ALTER TABLE training_sources ADD COLUMN server_errors INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 5,
    sql: `
ALTER TABLE training_sources ADD COLUMN body_in_sample_log INTEGER NOT NULL DEFAULT 0;
ALTER TABLE training_sources ADD COLUMN body_chars INTEGER;
`,
  },
];

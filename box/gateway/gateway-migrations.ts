import type { ModuleMigration } from './box-database';

/** The gateway's tables: the durable sample log, the progress log, the turn log and the box's id. */
export const gatewayMigrations: readonly ModuleMigration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE samples (
  sample_id TEXT PRIMARY KEY,
  persona_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  turn_id TEXT NOT NULL,
  supersedes TEXT,
  client_id TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX samples_by_turn ON samples(turn_id);
CREATE INDEX samples_by_persona ON samples(persona_id, received_at);

CREATE TABLE progress_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  persona_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  at INTEGER NOT NULL
);

CREATE TABLE turns (
  turn_id TEXT PRIMARY KEY,
  persona_id TEXT,
  conversation_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('complete', 'error', 'aborted')),
  request TEXT NOT NULL,
  messages TEXT NOT NULL,
  response_text TEXT NOT NULL,
  reasoning_text TEXT NOT NULL,
  tokens TEXT NOT NULL,
  finish_reason TEXT,
  error TEXT,
  policy_version TEXT,
  model TEXT,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL
);
CREATE INDEX turns_by_conversation ON turns(conversation_id, started_at);
`,
  },
  {
    version: 2,
    // One row: this box's random id, sent in every welcome (a reset data dir means a new box).
    sql: `
CREATE TABLE box_identity (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  box_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  },
];

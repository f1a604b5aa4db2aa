/**
 * Numbered schema migrations: the one way the store's schema changes. Each runs once, in order,
 * inside a transaction, and PRAGMA user_version records the last one applied.
 * Append new entries; never edit an applied one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE personas (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  system_prompt TEXT NOT NULL,
  hint_mode TEXT NOT NULL DEFAULT 'auto' CHECK (hint_mode IN ('auto', 'review')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  persona_id TEXT NOT NULL REFERENCES personas(id),
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX conversations_by_persona ON conversations(persona_id, updated_at DESC);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  seq INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('streaming', 'complete', 'stopped', 'error')),
  error TEXT,
  model TEXT,
  policy_version TEXT,
  replaces_id TEXT REFERENCES messages(id),
  superseded_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq)
);

CREATE TABLE signals (
  id TEXT PRIMARY KEY,
  persona_id TEXT NOT NULL REFERENCES personas(id),
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  message_id TEXT NOT NULL REFERENCES messages(id),
  kind TEXT NOT NULL,
  reward INTEGER NOT NULL CHECK (reward IN (-1, 0, 1)),
  confidence REAL NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('heuristic', 'judge', 'explicit')),
  evidence TEXT NOT NULL,
  trigger_message_id TEXT REFERENCES messages(id),
  superseded_by TEXT REFERENCES signals(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX signals_by_message ON signals(message_id, created_at);
CREATE INDEX signals_by_conversation ON signals(conversation_id, created_at);

CREATE TABLE hints (
  id TEXT PRIMARY KEY,
  signal_id TEXT NOT NULL UNIQUE REFERENCES signals(id),
  persona_id TEXT NOT NULL REFERENCES personas(id),
  message_id TEXT NOT NULL REFERENCES messages(id),
  text TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('rule', 'judge', 'user')),
  status TEXT NOT NULL CHECK (status IN ('auto', 'pending', 'approved', 'rejected')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX hints_by_persona ON hints(persona_id, status, created_at);

-- Delivery queue to the box, in seq order. 'held': waits for hint review; 'pending': to send
-- (or resend after reconnect) until acked; 'rejected': the box refused it for good.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sample_id TEXT NOT NULL UNIQUE,
  persona_id TEXT NOT NULL REFERENCES personas(id),
  signal_id TEXT NOT NULL REFERENCES signals(id),
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('held', 'pending', 'acked', 'rejected')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  acked_at INTEGER
);
CREATE INDEX outbox_by_state ON outbox(state, seq);

CREATE TABLE timeline_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  persona_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  sample_id TEXT,
  message_id TEXT,
  summary TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX timeline_by_persona ON timeline_events(persona_id, seq DESC);

-- Small durable facts of the sync link (last progress seq seen, client id).
CREATE TABLE sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'held next states',
    sql: `
-- While a hint awaits review its outbox row is held with a placeholder next state, so the words the
-- hint was built from (a correction, a thumbs-down reason, a rewrite) cannot leave before approval.
-- The real next state waits here; the review puts it back (approve) or drops it (reject).
CREATE TABLE held_next_states (
  sample_id TEXT PRIMARY KEY REFERENCES outbox(sample_id),
  next_state TEXT NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'message truncation',
    sql: `
-- How a reply ended short: 'cut_off' (the stream closed with no finish_reason and no [DONE]; such a
-- reply is kept and shown but never trained) or 'token_limit' (finish_reason "length"). NULL otherwise.
ALTER TABLE messages ADD COLUMN truncation TEXT CHECK (truncation IN ('cut_off', 'token_limit'));
`,
  },
  {
    version: 4,
    name: 'rewards you can trust',
    sql: `
-- Which model served a reply: only the box's policy's own replies train.
ALTER TABLE messages ADD COLUMN served_by TEXT CHECK (served_by IN ('box', 'other'));

-- Who decided a signal's reward (you / the judge / the detector), the judge's votes, whether it
-- trains, and when the user removed it.
ALTER TABLE signals ADD COLUMN decided_by TEXT NOT NULL DEFAULT 'detector' CHECK (decided_by IN ('user', 'judge', 'detector'));
ALTER TABLE signals ADD COLUMN judge_tally TEXT;
ALTER TABLE signals ADD COLUMN fate TEXT NOT NULL DEFAULT 'will_train'
  CHECK (fate IN ('awaiting_judge', 'will_train', 'trained', 'unsure', 'no_signal', 'not_from_policy', 'removed', 'reverted'));
ALTER TABLE signals ADD COLUMN removed_at INTEGER;
UPDATE signals SET decided_by = CASE source WHEN 'explicit' THEN 'user' WHEN 'judge' THEN 'judge' ELSE 'detector' END;
UPDATE signals SET fate = 'no_signal' WHERE reward = 0;

-- Removed signals the box must be told about (ws 'withdraw' frames), until it answers.
CREATE TABLE withdrawals (
  sample_id TEXT PRIMARY KEY,
  persona_id TEXT NOT NULL,
  signal_id TEXT NOT NULL REFERENCES signals(id),
  state TEXT NOT NULL CHECK (state IN ('pending', 'answered')),
  created_at INTEGER NOT NULL,
  answered_at INTEGER
);
CREATE INDEX withdrawals_pending ON withdrawals(state, created_at);
`,
  },
];

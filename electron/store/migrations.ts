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
  {
    version: 5,
    name: 'conversation branches and reply corrections',
    sql: `
-- A conversation is a tree: each message answers its parent (a reply its user message, a user message
-- the reply before it; a first message has none). Messages with the same parent are versions of one
-- turn: regenerations and retries of a reply, edits of a user message (edit and resend). The visible
-- thread is the path of selected children from the conversation's selected root, so switching a
-- version remembers what was chosen further down each branch.
ALTER TABLE messages ADD COLUMN parent_id TEXT REFERENCES messages(id);
ALTER TABLE messages ADD COLUMN selected_child_id TEXT REFERENCES messages(id);
ALTER TABLE conversations ADD COLUMN selected_root_id TEXT REFERENCES messages(id);
CREATE INDEX messages_by_parent ON messages(conversation_id, parent_id, seq);

-- Until now only the latest reply could be regenerated, so a message's parent is the visible message
-- before it, and the selected child is the one that was not superseded (else the newest).
UPDATE messages SET parent_id = (
  SELECT p.id FROM messages p
  WHERE p.conversation_id = messages.conversation_id AND p.seq < messages.seq AND p.superseded_at IS NULL
  ORDER BY p.seq DESC LIMIT 1);
UPDATE messages SET selected_child_id = (
  SELECT c.id FROM messages c WHERE c.conversation_id = messages.conversation_id AND c.parent_id = messages.id
  ORDER BY c.superseded_at IS NULL DESC, c.seq DESC LIMIT 1);
UPDATE conversations SET selected_root_id = (
  SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id AND m.parent_id IS NULL
  ORDER BY m.superseded_at IS NULL DESC, m.seq DESC LIMIT 1);

-- What the user said a reply should have been, beside the signal that carries it: a rewrite ('edit':
-- the whole text; the newest one is what the thread shows and what later turns see) or an inline mark
-- ('inline_mark': the span [span_start, span_end) of the reply's text and what it should say instead).
-- Preference (DPO) exports read them; the reply's own content stays what the model said. A rewrite
-- that came with an imported conversation has no signal here.
CREATE TABLE reply_corrections (
  id INTEGER PRIMARY KEY,
  signal_id TEXT UNIQUE REFERENCES signals(id),
  message_id TEXT NOT NULL REFERENCES messages(id),
  kind TEXT NOT NULL CHECK (kind IN ('edit', 'inline_mark')),
  span_start INTEGER,
  span_end INTEGER,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX reply_corrections_by_message ON reply_corrections(message_id, created_at);
`,
  },
  {
    version: 6,
    name: 'persona parameters',
    sql: `
-- A persona's own model, temperature and reply length (NULL: the policy settings), and whether its
-- chats teach the box at all (0: signals are still read and shown, nothing is sent).
ALTER TABLE personas ADD COLUMN model TEXT;
ALTER TABLE personas ADD COLUMN temperature REAL;
ALTER TABLE personas ADD COLUMN max_tokens INTEGER;
ALTER TABLE personas ADD COLUMN learning INTEGER NOT NULL DEFAULT 1 CHECK (learning IN (0, 1));
`,
  },
  {
    version: 7,
    name: 'conversation title source',
    sql: `
-- Where a conversation's title came from: 'auto' (the app's stand-in from the first message, to be
-- replaced by a generated one), 'model' (generated after the first exchange) or 'user' (typed).
-- Only an 'auto' title is ever replaced by the app. Titles from before this version count as the user's.
ALTER TABLE conversations ADD COLUMN title_source TEXT NOT NULL DEFAULT 'user' CHECK (title_source IN ('auto', 'model', 'user'));
`,
  },
  {
    version: 8,
    name: 'full-text search',
    sql: `
-- Full-text search over what threads show: each message's text (a rewritten reply: its newest
-- rewrite), keyed by the message's rowid and kept in step by triggers, in the same transaction as
-- every write. (The app never VACUUMs, which could renumber rowids.)
CREATE VIRTUAL TABLE messages_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO messages_fts (rowid, body)
  SELECT m.rowid, COALESCE(
    (SELECT e.text FROM reply_corrections e WHERE e.message_id = m.id AND e.kind = 'edit' ORDER BY e.created_at DESC, e.rowid DESC LIMIT 1),
    m.content)
  FROM messages m;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (NEW.rowid, NEW.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
  WHEN NOT EXISTS (SELECT 1 FROM reply_corrections e WHERE e.message_id = NEW.id AND e.kind = 'edit') BEGIN
  UPDATE messages_fts SET body = NEW.content WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER messages_fts_rewrite AFTER INSERT ON reply_corrections WHEN NEW.kind = 'edit' BEGIN
  UPDATE messages_fts SET body = NEW.text WHERE rowid = (SELECT rowid FROM messages WHERE id = NEW.message_id);
END;
`,
  },
  {
    version: 9,
    name: 'counters and indexes for large stores',
    sql: `
-- Start-up closes replies left streaming: find them through this index, not a scan of every message.
CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';

-- Timeline filters by kind (errors, policy versions) walk only their own events, newest first.
CREATE INDEX timeline_by_persona_kind ON timeline_events(persona_id, kind, seq DESC);

-- Signals of a persona that are still live (stats, views).
CREATE INDEX signals_live_by_persona ON signals(persona_id, created_at) WHERE superseded_by IS NULL AND removed_at IS NULL;

-- Per-persona counts kept by triggers in the same transaction as the rows they count, on every
-- connection (the sync worker's too), so timeline:stats reads a few rows instead of scanning.
--   timeline:<kind>            timeline events of that kind
--   signals:<reward>           live (not superseded, not removed) signals with that reward (-1, 0, 1)
--   hints:usable               hints not rejected
CREATE TABLE persona_counts (
  persona_id TEXT NOT NULL,
  counter TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (persona_id, counter)
) WITHOUT ROWID;

INSERT INTO persona_counts (persona_id, counter, n)
  SELECT persona_id, 'timeline:' || kind, COUNT(*) FROM timeline_events GROUP BY persona_id, kind;
INSERT INTO persona_counts (persona_id, counter, n)
  SELECT persona_id, 'signals:' || reward, COUNT(*) FROM signals WHERE superseded_by IS NULL AND removed_at IS NULL GROUP BY persona_id, reward;
INSERT INTO persona_counts (persona_id, counter, n)
  SELECT persona_id, 'hints:usable', COUNT(*) FROM hints WHERE status <> 'rejected' GROUP BY persona_id;

CREATE TRIGGER timeline_count_insert AFTER INSERT ON timeline_events BEGIN
  INSERT INTO persona_counts (persona_id, counter, n) VALUES (NEW.persona_id, 'timeline:' || NEW.kind, 1)
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER timeline_count_delete AFTER DELETE ON timeline_events BEGIN
  UPDATE persona_counts SET n = n - 1 WHERE persona_id = OLD.persona_id AND counter = 'timeline:' || OLD.kind;
END;
CREATE TRIGGER timeline_count_update AFTER UPDATE OF persona_id, kind ON timeline_events BEGIN
  UPDATE persona_counts SET n = n - 1 WHERE persona_id = OLD.persona_id AND counter = 'timeline:' || OLD.kind;
  INSERT INTO persona_counts (persona_id, counter, n) VALUES (NEW.persona_id, 'timeline:' || NEW.kind, 1)
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER signal_count_insert AFTER INSERT ON signals WHEN NEW.superseded_by IS NULL AND NEW.removed_at IS NULL BEGIN
  INSERT INTO persona_counts (persona_id, counter, n) VALUES (NEW.persona_id, 'signals:' || NEW.reward, 1)
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER signal_count_delete AFTER DELETE ON signals WHEN OLD.superseded_by IS NULL AND OLD.removed_at IS NULL BEGIN
  UPDATE persona_counts SET n = n - 1 WHERE persona_id = OLD.persona_id AND counter = 'signals:' || OLD.reward;
END;
CREATE TRIGGER signal_count_update AFTER UPDATE OF persona_id, reward, superseded_by, removed_at ON signals BEGIN
  UPDATE persona_counts SET n = n - 1
    WHERE OLD.superseded_by IS NULL AND OLD.removed_at IS NULL AND persona_id = OLD.persona_id AND counter = 'signals:' || OLD.reward;
  INSERT INTO persona_counts (persona_id, counter, n)
    SELECT NEW.persona_id, 'signals:' || NEW.reward, 1 WHERE NEW.superseded_by IS NULL AND NEW.removed_at IS NULL
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER hint_count_insert AFTER INSERT ON hints WHEN NEW.status <> 'rejected' BEGIN
  INSERT INTO persona_counts (persona_id, counter, n) VALUES (NEW.persona_id, 'hints:usable', 1)
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER hint_count_delete AFTER DELETE ON hints WHEN OLD.status <> 'rejected' BEGIN
  UPDATE persona_counts SET n = n - 1 WHERE persona_id = OLD.persona_id AND counter = 'hints:usable';
END;
CREATE TRIGGER hint_count_update AFTER UPDATE OF persona_id, status ON hints BEGIN
  UPDATE persona_counts SET n = n - 1
    WHERE OLD.status <> 'rejected' AND persona_id = OLD.persona_id AND counter = 'hints:usable';
  INSERT INTO persona_counts (persona_id, counter, n)
    SELECT NEW.persona_id, 'hints:usable', 1 WHERE NEW.status <> 'rejected'
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;

-- The outbox's state counts and its latest ack, kept the same way: the sync worker posts its status
-- after every ack burst and must not count 10k pending rows each time.
CREATE TABLE outbox_counts (
  key TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO outbox_counts (key, n) SELECT 'state:' || state, COUNT(*) FROM outbox GROUP BY state;
INSERT INTO outbox_counts (key, n) SELECT 'last_acked_at', MAX(acked_at) FROM outbox HAVING MAX(acked_at) IS NOT NULL;

CREATE TRIGGER outbox_count_insert AFTER INSERT ON outbox BEGIN
  INSERT INTO outbox_counts (key, n) VALUES ('state:' || NEW.state, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER outbox_count_delete AFTER DELETE ON outbox BEGIN
  UPDATE outbox_counts SET n = n - 1 WHERE key = 'state:' || OLD.state;
END;
CREATE TRIGGER outbox_count_update AFTER UPDATE OF state ON outbox WHEN OLD.state <> NEW.state BEGIN
  UPDATE outbox_counts SET n = n - 1 WHERE key = 'state:' || OLD.state;
  INSERT INTO outbox_counts (key, n) VALUES ('state:' || NEW.state, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER outbox_last_ack AFTER UPDATE OF acked_at ON outbox WHEN NEW.acked_at IS NOT NULL BEGIN
  INSERT INTO outbox_counts (key, n) VALUES ('last_acked_at', NEW.acked_at)
    ON CONFLICT (key) DO UPDATE SET n = MAX(n, excluded.n);
END;

-- A sample's context (the thread before the judged reply) is kept by reference instead of copied
-- into every payload: a turn then costs the same at the 1,000th reply as at the first, and the
-- outbox no longer grows with the square of a conversation's length. The sync worker reads the
-- thread when it sends: the messages context_reply_id answers (its ancestors, which never change),
-- rewrites counted as they stood at context_at, after the persona's system prompt context_system.
-- NULL context_reply_id: the payload carries its messages itself (rows from before this version).
ALTER TABLE outbox ADD COLUMN context_reply_id TEXT;
ALTER TABLE outbox ADD COLUMN context_system TEXT;
ALTER TABLE outbox ADD COLUMN context_at INTEGER;

-- New rows keep their payload here (outbox.payload stays ''): a row's delivery state changes twice
-- (sent, acked), and a narrow row packs dozens to a page instead of three, so those updates rewrite a
-- page or two per batch instead of a page per three samples.
CREATE TABLE outbox_payloads (
  seq INTEGER PRIMARY KEY,
  payload TEXT NOT NULL
);
`,
  },
  {
    version: 10,
    name: 'thread tip, the system prompt each reply was asked with, reasoning kept apart',
    sql: `
-- The last message of each conversation's visible thread, kept with the selection (a send reads it
-- instead of walking the thread). NULL: not known yet; the app walks the selected path once.
ALTER TABLE conversations ADD COLUMN thread_tip_id TEXT REFERENCES messages(id);

-- The persona's system prompt a reply was asked with (each distinct text stored once): a training
-- sample carries that prompt, not the one the persona has when the user later reacts. NULL (replies
-- from before this version): the persona's current prompt.
CREATE TABLE system_prompts (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);
ALTER TABLE messages ADD COLUMN system_prompt_id INTEGER REFERENCES system_prompts(id);

-- What a reasoning model thought before its answer when the server sends it apart
-- (reasoning_content): shown apart, never sent back as context and never trained on.
ALTER TABLE messages ADD COLUMN reasoning TEXT;
`,
  },
  {
    version: 11,
    name: 'delivery counted on the outbox instead of a timeline event per sample',
    sql: `
-- The sync worker wrote a timeline event for every sample sent and every sample the box stored: at
-- 10k samples those two rows were a third of delivery's time, and they repeat what the outbox
-- already keeps (sent_at; state 'acked' with acked_at), where the Learning tab reads its stages.
DELETE FROM timeline_events WHERE kind IN ('delivered', 'acknowledged');
DELETE FROM persona_counts WHERE counter IN ('timeline:delivered', 'timeline:acknowledged');

-- timeline:stats counts them from the outbox instead, through two more persona_counts counters:
--   outbox:delivered      outbox rows sent at least once (sent_at set)
--   outbox:acknowledged   outbox rows the box stored (state 'acked', which no row leaves)
INSERT INTO persona_counts (persona_id, counter, n)
  SELECT persona_id, 'outbox:delivered', COUNT(*) FROM outbox WHERE sent_at IS NOT NULL GROUP BY persona_id;
INSERT INTO persona_counts (persona_id, counter, n)
  SELECT persona_id, 'outbox:acknowledged', COUNT(*) FROM outbox WHERE state = 'acked' GROUP BY persona_id;

CREATE TRIGGER outbox_delivered_count_insert AFTER INSERT ON outbox WHEN NEW.sent_at IS NOT NULL BEGIN
  INSERT INTO persona_counts (persona_id, counter, n) VALUES (NEW.persona_id, 'outbox:delivered', 1)
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER outbox_delivered_count_update AFTER UPDATE OF sent_at ON outbox WHEN OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL BEGIN
  INSERT INTO persona_counts (persona_id, counter, n) VALUES (NEW.persona_id, 'outbox:delivered', 1)
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER outbox_acknowledged_count_insert AFTER INSERT ON outbox WHEN NEW.state = 'acked' BEGIN
  INSERT INTO persona_counts (persona_id, counter, n) VALUES (NEW.persona_id, 'outbox:acknowledged', 1)
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER outbox_acknowledged_count_update AFTER UPDATE OF state ON outbox WHEN NEW.state = 'acked' AND OLD.state <> 'acked' BEGIN
  INSERT INTO persona_counts (persona_id, counter, n) VALUES (NEW.persona_id, 'outbox:acknowledged', 1)
    ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER outbox_persona_count_delete AFTER DELETE ON outbox WHEN OLD.sent_at IS NOT NULL OR OLD.state = 'acked' BEGIN
  UPDATE persona_counts SET n = n - (OLD.sent_at IS NOT NULL) WHERE persona_id = OLD.persona_id AND counter = 'outbox:delivered';
  UPDATE persona_counts SET n = n - (OLD.state = 'acked') WHERE persona_id = OLD.persona_id AND counter = 'outbox:acknowledged';
END;
`,
  },
  {
    version: 12,
    name: 'indexes for the Learning tab',
    sql: `
-- The Learning tab lists a persona's signals newest first (removed ones too, replaced ones not) and
-- joins each to its outbox row: without these it scanned every signal, sorted them all, and built a
-- temporary index over the whole outbox on every refresh (0.75 s at 10k signals).
CREATE INDEX signals_by_persona_newest ON signals(persona_id, created_at) WHERE superseded_by IS NULL;
CREATE INDEX outbox_by_signal ON outbox(signal_id);
`,
  },
];

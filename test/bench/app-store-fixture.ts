import { randomUUID } from 'node:crypto';
import type { Db } from '../../electron/store/open-database';

/**
 * Bulk fixtures for the app-store benches: whole conversations and timelines written with raw
 * statements in one transaction (a million rows in seconds), so each bench measures the store, not
 * its own setup. Text sizes are fixed so every run writes the same bytes.
 */

export const USER_TEXT = 'Could you explain how the retry backoff in the sync worker decides its next delay, and why it is capped? '.repeat(2);
export const REPLY_TEXT =
  'The backoff doubles the delay after each failed attempt, starting from the base, and adds jitter so many apps do not retry in step. '.repeat(5);

/** Creates a persona (id returned) with a short system prompt. */
export function bulkPersona(db: Db, id = randomUUID()): string {
  const now = Date.now();
  db.prepare(`INSERT INTO personas (id, name, system_prompt, hint_mode, created_at, updated_at) VALUES (?, ?, ?, 'auto', ?, ?)`).run(
    id,
    `Bench ${id.slice(0, 8)}`,
    'You are a helpful assistant.',
    now,
    now,
  );
  return id;
}

/**
 * `count` conversations with `turns` user/assistant pairs each (every reply complete). Returns the
 * conversation ids.
 */
export function bulkConversations(db: Db, personaId: string, count: number, turns: number, opts: { streamingLast?: boolean } = {}): string[] {
  const ids: string[] = [];
  const now = Date.now();
  const conv = db.prepare(`INSERT INTO conversations (id, persona_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`);
  const msg = db.prepare(
    `INSERT INTO messages (id, conversation_id, seq, role, content, status, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let c = 0; c < count; c++) {
      const id = randomUUID();
      ids.push(id);
      conv.run(id, personaId, `Conversation ${c}`, now, now);
      let parent: string | null = null;
      for (let t = 0; t < turns; t++) {
        const user = randomUUID();
        msg.run(user, id, 2 * t + 1, 'user', USER_TEXT, 'complete', parent, now, now);
        const streaming = opts.streamingLast === true && t === turns - 1;
        parent = randomUUID();
        msg.run(parent, id, 2 * t + 2, 'assistant', REPLY_TEXT, streaming ? 'streaming' : 'complete', user, now, now);
      }
    }
    selectThreads(db);
  })();
  checkpoint(db);
  return ids;
}

/** Mix of kinds a long-used persona's timeline has; 'error' is the rare one (about 1 in 1,000). */
const KIND_MIX: readonly { kind: string; weight: number }[] = [
  { kind: 'signal', weight: 300 },
  { kind: 'hint', weight: 60 },
  { kind: 'judge', weight: 100 },
  { kind: 'sample_ready', weight: 300 },
  { kind: 'not_trained', weight: 240 },
  { kind: 'training_step', weight: 5 },
  { kind: 'policy_version', weight: 4 },
  { kind: 'error', weight: 1 },
];

/**
 * `count` timeline events for a persona, in the kind mix above, written in one transaction. The
 * per-event counter trigger is set aside meanwhile and the counts are added in one statement after,
 * as the migration that introduced them does.
 */
export function bulkTimeline(db: Db, personaId: string, count: number): void {
  const total = KIND_MIX.reduce((s, k) => s + k.weight, 0);
  const cycle: string[] = [];
  for (const { kind, weight } of KIND_MIX) for (let i = 0; i < weight; i++) cycle.push(kind);
  // Spread the kinds through the cycle so every window of the timeline looks alike.
  const spread = cycle.map((kind, i) => ({ kind, key: (i * 7919) % total })).sort((a, b) => a.key - b.key).map((k) => k.kind);
  const insert = db.prepare(
    `INSERT INTO timeline_events (id, persona_id, kind, sample_id, message_id, summary, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = Date.now();
  const firstSeq = ((db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM timeline_events').get() as { s: number }).s) + 1;
  withoutJournal(db, () =>
    withoutTrigger(db, 'timeline_count_insert', () =>
      db.transaction(() => {
        for (let i = 0; i < count; i++) {
          const kind = spread[i % spread.length]!;
          const data = kind === 'policy_version' || kind === 'training_step' ? `{"policyVersion":"v${i}"}` : '{"n":1}';
          insert.run(sequentialId(`bench:${personaId}`, i), personaId, kind, null, null, `Bench event ${i}`, data, now);
        }
        db.prepare(
          `INSERT INTO persona_counts (persona_id, counter, n)
           SELECT persona_id, 'timeline:' || kind, COUNT(*) FROM timeline_events WHERE seq >= ? GROUP BY persona_id, kind
           ON CONFLICT (persona_id, counter) DO UPDATE SET n = n + excluded.n`,
        ).run(firstSeq);
      })(),
    ),
  );
}

/** Runs `write` with one trigger dropped, then puts the trigger back exactly as the schema had it. */
function withoutTrigger(db: Db, name: string, write: () => void): void {
  const row = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`).get(name) as { sql: string } | undefined;
  if (!row) throw new Error(`no trigger ${name}`);
  db.exec(`DROP TRIGGER ${name}`);
  try {
    write();
  } finally {
    db.exec(row.sql);
  }
}

/** Moves the fixture out of the WAL, so the measured writes do not pay for copying it back. */
/**
 * Makes each fixture conversation's chain of messages (written with their parent_id) its visible
 * thread, as the app's inserts do one message at a time: every message selects its newest child,
 * each conversation its first message, and the thread's tip is its last message (the chains here
 * have no branches).
 */
export function selectThreads(db: Db): void {
  db.exec(`
    UPDATE messages SET selected_child_id = (
      SELECT c.id FROM messages c WHERE c.conversation_id = messages.conversation_id AND c.parent_id = messages.id ORDER BY c.seq DESC LIMIT 1)
    WHERE selected_child_id IS NULL;
    UPDATE conversations SET selected_root_id = (
      SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id AND m.parent_id IS NULL ORDER BY m.seq DESC LIMIT 1)
    WHERE selected_root_id IS NULL;
    UPDATE conversations SET thread_tip_id = (
      SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id ORDER BY m.seq DESC LIMIT 1)
    WHERE thread_tip_id IS NULL;`);
}

export function checkpoint(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/**
 * Runs a bulk fixture write with no journal and no syncs (a fixture that a crash spoils is simply
 * built again), then puts the connection back as the app runs it. A million rows then cost one write
 * of each page instead of two (WAL, then checkpoint).
 */
export function withoutJournal(db: Db, write: () => void): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -262144');
  try {
    write();
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
}

/** Ids that sort in insertion order: a bulk insert appends to each index instead of scattering over it. */
export function sequentialId(prefix: string, n: number): string {
  return `${prefix}-${n.toString(36).padStart(8, '0')}`;
}

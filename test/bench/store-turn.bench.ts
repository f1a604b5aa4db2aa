/**
 * Issue 12, rows 1–3: what one user turn after a reply costs in the app store.
 *
 *  - store turn: the writes chat:send makes in its one transaction (user message, signal, hint,
 *    outbox row, timeline entries, the next reply's row), through the repositories and the signal
 *    recorder, with the same reads chat:send makes; against raw prepared inserts of the same rows
 *    and sizes (payload length copied from what the store wrote) in the same run. Goal ≥ 0.5 of raw.
 *  - through the core: chat:send over the real core (classifier, events, a policy stream that
 *    finishes before the next turn); against the same raw loop. Goal ≥ 0.4 of raw.
 *  - growth: the store turn and the core turn on conversations with 1, 10, 100 and 1000 prior
 *    turns, each beside raw inserts of the same payload. Goal: at 1000 within 1.5× of the 1-turn cost.
 * Medians of interleaved rounds; the fixtures are bulk-inserted and removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Persona } from '../../shared/domain';
import { createCore, DATABASE_FILE_NAME, type Core } from '../../electron/core/create-core';
import { followUpContext } from '../../electron/core/follow-up-context';
import { recordSignal } from '../../electron/core/signal-recorder';
import { openAppStore, type AppStore } from '../../electron/store/app-store';
import type { Db } from '../../electron/store/open-database';
import { startOpenAiStreamServer } from '../electron/core/openai-stream-server';
import { bulkConversations, bulkPersona, REPLY_TEXT, USER_TEXT } from './app-store-fixture';
import { BenchReport, interleaved, median } from './bench-report';

const ROUNDS = 5;
const TURNS_PER_ROUND = 200;
const GROWTH_SIZES = [1, 10, 100, 1000] as const;
const GROWTH_CONVERSATIONS = 10;
const FOLLOW_UP = 'No, I meant the exponential one: make the delay double each time and cap it at a minute.';

/** The raw baseline: the same rows a store turn writes, with plain prepared statements. */
class RawTurn {
  private readonly insertMessage;
  private readonly insertSignal;
  private readonly insertHint;
  private readonly insertOutbox;
  private readonly insertPayload;
  private readonly insertEvent;
  private readonly touch;
  private readonly selectChild;
  private readonly systemPrompt;

  constructor(private readonly db: Db) {
    this.insertMessage = db.prepare(
      `INSERT INTO messages (id, conversation_id, seq, role, content, status, parent_id, system_prompt_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // A new message becomes the selected version of its turn (the visible thread's next step).
    this.selectChild = db.prepare(`UPDATE messages SET selected_child_id = ? WHERE id = ?`);
    // A reply keeps the system prompt it is asked with (each distinct text stored once).
    this.systemPrompt = db.prepare(
      `INSERT INTO system_prompts (text) VALUES (?) ON CONFLICT (text) DO UPDATE SET text = excluded.text RETURNING id`,
    );
    this.insertSignal = db.prepare(
      `INSERT INTO signals (id, persona_id, conversation_id, message_id, kind, reward, confidence, source, evidence, trigger_message_id, created_at)
       VALUES (?, ?, ?, ?, 'correction', -1, 0.8, 'heuristic', '["cue"]', ?, ?)`,
    );
    this.insertHint = db.prepare(
      `INSERT INTO hints (id, signal_id, persona_id, message_id, text, source, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'rule', 'auto', ?, ?)`,
    );
    this.insertOutbox = db.prepare(
      `INSERT INTO outbox (sample_id, persona_id, signal_id, payload, state, created_at) VALUES (?, ?, ?, '', 'pending', ?)`,
    );
    this.insertPayload = db.prepare(`INSERT INTO outbox_payloads (seq, payload) VALUES (?, ?)`);
    this.insertEvent = db.prepare(
      `INSERT INTO timeline_events (id, persona_id, kind, sample_id, message_id, summary, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.touch = db.prepare(`UPDATE conversations SET updated_at = ? WHERE id = ?`);
  }

  /** One turn on a conversation whose last reply is `replyId` at `seq`; returns the new reply's id. */
  run(personaId: string, conversationId: string, replyId: string, seq: number, payload: string): string {
    const now = Date.now();
    const userId = randomUUID();
    const signalId = randomUUID();
    const nextReply = randomUUID();
    this.db.transaction(() => {
      this.insertMessage.run(userId, conversationId, seq + 1, 'user', FOLLOW_UP, 'complete', replyId, null, now, now);
      this.selectChild.run(userId, replyId);
      this.insertSignal.run(signalId, personaId, conversationId, replyId, userId, now);
      this.insertHint.run(randomUUID(), signalId, personaId, replyId, 'Use exponential backoff capped at a minute.', now, now);
      this.insertPayload.run(this.insertOutbox.run(signalId, personaId, signalId, now).lastInsertRowid, payload);
      this.insertEvent.run(`signal:${signalId}`, personaId, 'signal', signalId, replyId, 'Correction: reward −1', '{"kind":"correction"}', now);
      this.insertEvent.run(`hint:${signalId}`, personaId, 'hint', signalId, replyId, 'Hint: use exponential backoff', '{"text":"x"}', now);
      this.touch.run(now, conversationId);
      const promptId = (this.systemPrompt.get('You are a helpful assistant.') as { id: number }).id;
      this.insertMessage.run(nextReply, conversationId, seq + 2, 'assistant', REPLY_TEXT, 'complete', userId, promptId, now, now);
      this.selectChild.run(nextReply, userId);
    })();
    return nextReply;
  }
}

interface ConversationCursor {
  id: string;
  lastReplyId: string;
  lastSeq: number;
}

function cursorsOf(db: Db, ids: readonly string[]): ConversationCursor[] {
  const last = db.prepare(`SELECT id, seq FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1`);
  return ids.map((id) => {
    const row = last.get(id) as { id: string; seq: number };
    return { id, lastReplyId: row.id, lastSeq: row.seq };
  });
}

/**
 * One store turn: the reads and writes chat:send makes in its transaction (chat-service.ts), through
 * the same repositories and signal recorder, with a fixed verdict (the classifier is the core row's job).
 */
function storeTurn(store: AppStore, persona: Persona, conversationId: string): () => void {
  const last = store.messages.lastInThread(conversationId)!;
  const assistant = store.db.transaction(() => {
    const userMessage = store.messages.insert({ conversationId, role: 'user', content: FOLLOW_UP, status: 'complete', parentId: last.id });
    const active = store.signals.listActiveForMessage(last.id);
    const context = followUpContext(store.messages, persona, last, FOLLOW_UP);
    if (context.length === 0) throw new Error('no context');
    recordSignal(store, {
      persona,
      reply: last,
      kind: 'correction',
      reward: -1,
      confidence: 0.8,
      source: 'heuristic',
      evidence: ['cue'],
      triggerMessageId: userMessage.id,
      nextState: { role: 'user', content: FOLLOW_UP },
      hint: { text: 'Use exponential backoff capped at a minute.', source: 'rule' },
      supersede: active,
      trust: { decidedBy: 'detector', judgeTally: null, fate: 'will_train' },
    });
    store.conversations.touch(conversationId);
    return store.messages.insert({
      conversationId,
      role: 'assistant',
      content: '',
      status: 'streaming',
      model: 'bench',
      parentId: userMessage.id,
      systemPrompt: persona.systemPrompt,
    });
  })();
  // The reply finishes later (in chat:send it streams afterwards), untimed; the next turn judges it.
  return () => void store.messages.finish(assistant.id, { content: REPLY_TEXT, status: 'complete' });
}

function lastPayloadLength(db: Db): number {
  return (db.prepare(`SELECT length(payload) AS n FROM outbox_payloads ORDER BY seq DESC LIMIT 1`).get() as { n: number }).n;
}

/** Median time of `op`; what it returns (if a function) runs after the clock stops. */
function timeEach(count: number, op: (i: number) => void | (() => void)): number {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const after = op(i);
    times.push(performance.now() - start);
    if (after) after();
  }
  return median(times);
}

async function startBenchCore(dir: string, endpoint: string): Promise<Core> {
  const core = createCore({ dataDir: dir, mode: 'browser', spawnSyncWorker: null, log: () => undefined, timing: { deltaIntervalMs: 1, persistIntervalMs: 1_000 } });
  const saved = await core.handle('settings:update', { policy: { endpoint, model: 'bench' } });
  if (!saved.ok) throw new Error(`settings:update failed: ${saved.error.message}`);
  return core;
}

async function coreTurn(core: Core, conversationId: string): Promise<number> {
  const start = performance.now();
  const result = await core.handle('chat:send', { conversationId, content: FOLLOW_UP });
  const elapsed = performance.now() - start;
  if (!result.ok) throw new Error(`chat:send failed: ${result.error.message}`);
  await core.idle();
  return elapsed;
}

export default async function bench(): Promise<void> {
  const report = new BenchReport('store turn, through the core, and per-turn growth (issue 12 rows 1–3)');
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-store-turn-bench-'));
  const server = await startOpenAiStreamServer();
  server.script({ chunks: [REPLY_TEXT] });
  try {
    // ---- rows 1 and 2: a store with 10k turns in 1,000 conversations -------------------------
    const storeDir = join(dir, 'store');
    const store = openAppStore(join(storeDir, DATABASE_FILE_NAME));
    const personaId = bulkPersona(store.db);
    const persona = store.personas.get(personaId)!;
    const convIds = bulkConversations(store.db, personaId, 1_000, 10);
    const raw = new RawTurn(store.db);
    const rawCursors = cursorsOf(store.db, bulkConversations(store.db, personaId, 200, 10));
    storeTurn(store, persona, convIds[0]!)();
    const payloadLength = lastPayloadLength(store.db);
    const payload = 'x'.repeat(payloadLength);
    let next = 1;
    let rawNext = 0;
    const rounds = await interleaved(ROUNDS, {
      store: () => timeEach(TURNS_PER_ROUND, () => storeTurn(store, persona, convIds[next++ % convIds.length]!)),
      raw: () =>
        timeEach(TURNS_PER_ROUND, () => {
          const c = rawCursors[rawNext++ % rawCursors.length]!;
          c.lastReplyId = raw.run(personaId, c.id, c.lastReplyId, c.lastSeq, payload);
          c.lastSeq += 2;
        }),
    });
    const rawMs = median(rounds.raw);
    report.ratio('store turn (message + signal + hint + outbox row, one transaction)', {
      baseline: 'raw inserts',
      baselineMs: rawMs,
      subjectMs: median(rounds.store),
      goal: 0.5,
    });
    report.info(`outbox payload ${payloadLength} chars per turn`);
    store.close();

    // Through the core: its own data dir, the same fixture shape.
    const coreDir = join(dir, 'core');
    const seeded = openAppStore(join(coreDir, DATABASE_FILE_NAME));
    const corePersona = bulkPersona(seeded.db);
    const coreConvs = bulkConversations(seeded.db, corePersona, 1_000, 10);
    const coreRawCursors = cursorsOf(seeded.db, bulkConversations(seeded.db, corePersona, 200, 10));
    seeded.close();
    const core = await startBenchCore(coreDir, server.url);
    const rawStore = openAppStore(join(coreDir, DATABASE_FILE_NAME));
    const rawOnCore = new RawTurn(rawStore.db);
    let coreNext = 0;
    let coreRawNext = 0;
    const coreRounds = await interleaved(ROUNDS, {
      core: async () => {
        const times: number[] = [];
        for (let i = 0; i < TURNS_PER_ROUND / 2; i++) times.push(await coreTurn(core, coreConvs[coreNext++ % coreConvs.length]!));
        return median(times);
      },
      raw: () =>
        timeEach(TURNS_PER_ROUND / 2, () => {
          const c = coreRawCursors[coreRawNext++ % coreRawCursors.length]!;
          c.lastReplyId = rawOnCore.run(corePersona, c.id, c.lastReplyId, c.lastSeq, payload);
          c.lastSeq += 2;
        }),
    });
    report.ratio('through the core (chat:send, stream finished between turns)', {
      baseline: 'raw inserts',
      baselineMs: median(coreRounds.raw),
      subjectMs: median(coreRounds.core),
      goal: 0.4,
    });

    // ---- row 3: growth with conversation length ------------------------------------------------
    const growthStore = openAppStore(join(coreDir, DATABASE_FILE_NAME));
    const growthRaw = new RawTurn(growthStore.db);
    const fixtures = new Map<number, { store: string[]; core: string[]; raw: ConversationCursor[] }>();
    for (const size of GROWTH_SIZES) {
      fixtures.set(size, {
        store: bulkConversations(growthStore.db, corePersona, GROWTH_CONVERSATIONS * ROUNDS, size),
        core: bulkConversations(growthStore.db, corePersona, GROWTH_CONVERSATIONS * ROUNDS, size),
        raw: cursorsOf(growthStore.db, bulkConversations(growthStore.db, corePersona, GROWTH_CONVERSATIONS * ROUNDS, size)),
      });
    }
    const growthPersona = growthStore.personas.get(corePersona)!;
    const results = new Map<number, { store: number[]; core: number[]; raw: number[]; payload: number }>();
    for (const size of GROWTH_SIZES) results.set(size, { store: [], core: [], raw: [], payload: 0 });
    for (let round = 0; round < ROUNDS; round++) {
      for (const size of round % 2 === 0 ? GROWTH_SIZES : [...GROWTH_SIZES].reverse()) {
        const f = fixtures.get(size)!;
        const r = results.get(size)!;
        const slice = (list: readonly string[]) => list.slice(round * GROWTH_CONVERSATIONS, (round + 1) * GROWTH_CONVERSATIONS);
        for (const id of slice(f.store)) {
          const start = performance.now();
          const finish = storeTurn(growthStore, growthPersona, id);
          r.store.push(performance.now() - start);
          finish();
        }
        r.payload = lastPayloadLength(growthStore.db);
        const samePayload = 'x'.repeat(r.payload);
        for (const c of f.raw.slice(round * GROWTH_CONVERSATIONS, (round + 1) * GROWTH_CONVERSATIONS)) {
          const start = performance.now();
          c.lastReplyId = growthRaw.run(corePersona, c.id, c.lastReplyId, c.lastSeq, samePayload);
          c.lastSeq += 2;
          r.raw.push(performance.now() - start);
        }
        for (const id of slice(f.core)) r.core.push(await coreTurn(core, id));
      }
    }
    const first = results.get(GROWTH_SIZES[0])!;
    for (const size of GROWTH_SIZES) {
      const r = results.get(size)!;
      const isLast = size === GROWTH_SIZES[GROWTH_SIZES.length - 1];
      report.growth(`store turn after ${size} prior turn(s)`, {
        valueMs: median(r.store),
        firstMs: median(first.store),
        maxFactor: isLast ? 1.5 : null,
        note: `(raw insert of the same ${r.payload}-char payload ${median(r.raw).toFixed(3)} ms)`,
      });
    }
    for (const size of GROWTH_SIZES) {
      const r = results.get(size)!;
      report.growth(`core turn (chat:send) after ${size} prior turn(s)`, {
        valueMs: median(r.core),
        firstMs: median(first.core),
        maxFactor: null,
        note: '(includes building the policy request, which carries the whole thread)',
      });
    }
    growthStore.close();
    rawStore.close();
    await core.close();
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  report.finish();
}

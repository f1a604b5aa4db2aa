import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HintStatus, Reward, TimelineKind } from '../../../shared/domain';
import { openAppStore, type AppStore } from '../../../electron/store/app-store';
import { migrations } from '../../../electron/store/migrations';
import { applyMigrations } from '../../../electron/store/open-database';
import { freshAppStoreEachTest } from '../../support/temp-app-store';
import { seededRandom } from '../../support/seeded-random';

let store: AppStore;
let dir: string;
freshAppStoreEachTest('apprentice-counters-', (opened, folder) => {
  store = opened;
  dir = folder;
});

const KINDS: TimelineKind[] = ['signal', 'hint', 'judge', 'rejected', 'error', 'training_step', 'policy_version'];
const REWARDS: Reward[] = [-1, 0, 1];
const STATUSES: HintStatus[] = ['auto', 'pending', 'approved', 'rejected'];

/** What the stats would be by counting every row, the way they were computed before the counters. */
function recount(db: Database.Database, personaId: string) {
  const byKind = Object.fromEntries(
    (db.prepare('SELECT kind, COUNT(*) AS n FROM timeline_events WHERE persona_id = ? GROUP BY kind').all(personaId) as { kind: string; n: number }[]).map(
      (r) => [r.kind, r.n],
    ),
  );
  const signals = db
    .prepare(
      `SELECT COUNT(*) AS total, COALESCE(SUM(reward = 1), 0) AS positive, COALESCE(SUM(reward = -1), 0) AS negative
       FROM signals WHERE persona_id = ? AND superseded_by IS NULL AND removed_at IS NULL`,
    )
    .get(personaId);
  const hints = (db.prepare(`SELECT COUNT(*) AS n FROM hints WHERE persona_id = ? AND status <> 'rejected'`).get(personaId) as { n: number }).n;
  const outbox = { held: 0, pending: 0, acked: 0, rejected: 0 };
  for (const r of db.prepare('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state').all() as { state: keyof typeof outbox; n: number }[]) outbox[r.state] = r.n;
  const lastAck = (db.prepare('SELECT MAX(acked_at) AS t FROM outbox').get() as { t: number | null }).t;
  const delivery = db
    .prepare(
      `SELECT COALESCE(SUM(sent_at IS NOT NULL), 0) AS delivered, COALESCE(SUM(state = 'acked'), 0) AS acknowledged FROM outbox WHERE persona_id = ?`,
    )
    .get(personaId);
  return { byKind, signals, hints, outbox, lastAck, delivery };
}

function fromCounters(s: AppStore, personaId: string) {
  return {
    byKind: s.timeline.countByKind(personaId),
    signals: s.signals.countsForPersona(personaId),
    hints: s.hints.countUsableForPersona(personaId),
    outbox: s.outbox.counts(),
    lastAck: s.outbox.lastAckAt(),
    delivery: s.outbox.deliveryCountsForPersona(personaId),
  };
}

describe('counters kept by triggers', () => {
  it('agree with a full recount after random inserts, supersedes, removals, state changes and deletes', () => {
    const random = seededRandom(12);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const personas = [store.personas.create({ name: 'A', systemPrompt: '' }), store.personas.create({ name: 'B', systemPrompt: '' })];
    const conversations = personas.map((p) => store.conversations.create(p.id, 'c'));
    const replies = conversations.map((c) => store.messages.insert({ conversationId: c.id, role: 'assistant', content: 'r', status: 'complete' }));
    const live: { id: string; persona: number }[] = [];
    const hints: { id: string; persona: number }[] = [];
    const events: string[] = [];
    const outbox: string[] = [];

    for (let step = 0; step < 1_500; step++) {
      const p = Math.floor(random() * personas.length);
      const persona = personas[p]!;
      const action = random();
      store.db.transaction(() => {
        if (action < 0.3) {
          const signal = store.signals.insert({
            personaId: persona.id,
            conversationId: conversations[p]!.id,
            messageId: replies[p]!.id,
            kind: 'correction',
            reward: pick(REWARDS),
            confidence: 0.5,
            source: 'heuristic',
            evidence: [],
            triggerMessageId: null,
            decidedBy: 'detector',
            judgeTally: null,
            fate: 'will_train',
          });
          live.push({ id: signal.id, persona: p });
          if (random() < 0.5) {
            const hint = store.hints.insert({ signalId: signal.id, personaId: persona.id, messageId: replies[p]!.id, text: 'h', source: 'rule', status: pick(STATUSES) });
            hints.push({ id: hint.id, persona: p });
          }
          if (random() < 0.7) {
            outbox.push(signal.id);
            store.outbox.enqueue(sampleFor(signal.id, persona.id, conversations[p]!.id, replies[p]!.id), signal.id, { held: random() < 0.2 });
          }
        } else if (action < 0.45 && live.length > 1) {
          // Supersede: an older live signal is replaced by another.
          const old = live.splice(Math.floor(random() * live.length), 1)[0]!;
          const by = pick(live);
          store.signals.supersede(old.id, by.id);
        } else if (action < 0.5 && live.length > 0) {
          // The user removes a signal (undo): it leaves the live counts, whether superseded or not.
          const removed = live.splice(Math.floor(random() * live.length), 1)[0]!;
          store.signals.remove(removed.id);
        } else if (action < 0.55 && hints.length > 0) {
          const hint = pick(hints);
          store.db.prepare('UPDATE hints SET status = ? WHERE id = ?').run(pick(STATUSES), hint.id);
        } else if (action < 0.75) {
          const id = `e-${step}`;
          store.timeline.append({ id, personaId: persona.id, kind: pick(KINDS), sampleId: null, messageId: null, summary: 's', data: {} });
          events.push(id);
        } else if (action < 0.8 && events.length > 0) {
          const id = events.splice(Math.floor(random() * events.length), 1)[0]!;
          store.db.prepare('DELETE FROM timeline_events WHERE id = ?').run(id);
        } else if (action < 0.95 && outbox.length > 0) {
          const sampleId = pick(outbox);
          const r = random();
          if (r < 0.35) store.outbox.markAcked(sampleId, 1_000 + step);
          else if (r < 0.5) store.outbox.markRejected(sampleId, 'no');
          else if (r < 0.65) store.db.prepare(`UPDATE outbox SET state = 'pending' WHERE sample_id = ? AND state = 'held'`).run(sampleId);
          else if (r < 0.9) store.outbox.markSent([store.outbox.get(sampleId)!.seq], 1_000 + step);
          else {
            store.db.prepare('DELETE FROM outbox WHERE sample_id = ?').run(sampleId);
            outbox.splice(outbox.indexOf(sampleId), 1);
          }
        } else if (hints.length > 0) {
          // Deletes are not something the app does today; the counters must survive them anyway.
          const hint = hints.splice(Math.floor(random() * hints.length), 1)[0]!;
          store.db.prepare('DELETE FROM hints WHERE id = ?').run(hint.id);
        }
      })();
      if (step % 250 === 0) for (const x of personas) expect(fromCounters(store, x.id)).toEqual(recount(store.db, x.id));
    }
    for (const x of personas) expect(fromCounters(store, x.id)).toEqual(recount(store.db, x.id));
    // A deleted signal that was live leaves the counts too.
    const victim = live.find((s) => store.hints.getBySignal(s.id) === null && store.outbox.getBySignal(s.id) === null);
    if (victim) {
      store.db.prepare('UPDATE signals SET superseded_by = NULL WHERE superseded_by = ?').run(victim.id);
      store.db.prepare('DELETE FROM signals WHERE id = ?').run(victim.id);
      for (const x of personas) expect(fromCounters(store, x.id)).toEqual(recount(store.db, x.id));
    }
  });

  it('are filled in from the rows a database already has when it migrates', () => {
    store.close();
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    applyMigrations(old, migrations.filter((m) => m.version < 3));
    old.prepare(`INSERT INTO personas (id, name, system_prompt, created_at, updated_at) VALUES ('p', 'P', '', 0, 0)`).run();
    old.prepare(`INSERT INTO conversations (id, persona_id, title, created_at, updated_at) VALUES ('c', 'p', 't', 0, 0)`).run();
    old.prepare(`INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at, updated_at) VALUES ('m', 'c', 1, 'assistant', 'x', 'streaming', 0, 0)`).run();
    const signal = old.prepare(
      `INSERT INTO signals (id, persona_id, conversation_id, message_id, kind, reward, confidence, source, evidence, superseded_by, created_at)
       VALUES (?, 'p', 'c', 'm', 'correction', ?, 1, 'heuristic', '[]', ?, 0)`,
    );
    signal.run('s1', 1, null);
    signal.run('s2', -1, null);
    signal.run('s3', -1, 's2');
    old.prepare(`INSERT INTO hints (id, signal_id, persona_id, message_id, text, source, status, created_at, updated_at) VALUES ('h', 's2', 'p', 'm', 't', 'rule', 'auto', 0, 0)`).run();
    for (let i = 0; i < 5; i++) {
      old.prepare(`INSERT INTO timeline_events (id, persona_id, kind, summary, data, created_at) VALUES (?, 'p', ?, 's', '{}', 0)`).run(`e${i}`, i < 3 ? 'signal' : 'acknowledged');
    }
    old.prepare(
      `INSERT INTO outbox (sample_id, persona_id, signal_id, payload, state, created_at, sent_at, acked_at) VALUES ('s1', 'p', 's1', '{}', 'acked', 0, 70, 77)`,
    ).run();
    old.prepare(`INSERT INTO outbox (sample_id, persona_id, signal_id, payload, state, created_at, sent_at) VALUES ('s2', 'p', 's2', '{}', 'pending', 0, 75)`).run();
    old.close();

    store = openAppStore(file);
    expect(fromCounters(store, 'p')).toEqual(recount(store.db, 'p'));
    expect(store.signals.countsForPersona('p')).toEqual({ total: 2, positive: 1, negative: 1 });
    expect(store.outbox.lastAckAt()).toBe(77);
    // The per-sample delivery events of older versions are gone; the outbox counts what they counted.
    expect(store.timeline.countByKind('p')).toEqual({ signal: 3 });
    expect(store.outbox.deliveryCountsForPersona('p')).toEqual({ delivered: 2, acknowledged: 1 });
    // The streaming row left by the old app is closed through the new index.
    expect(store.messages.closeInterrupted('cut off')).toBe(1);
  });
});

describe('indexes for the timeline and start-up', () => {
  it('the queries they serve search an index instead of scanning', () => {
    const plan = (sql: string): string =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan(`UPDATE messages SET status = 'error' WHERE status = 'streaming'`)).toMatch(/USING INDEX messages_streaming/);
    expect(plan(`SELECT * FROM timeline_events WHERE persona_id = 'p' AND kind = 'error' AND seq < 9 ORDER BY seq DESC LIMIT 10`)).toMatch(
      /USING INDEX timeline_by_persona_kind/,
    );
  });

  it('a timeline filtered by several kinds returns the newest of them, in order, below the cursor', () => {
    const persona = store.personas.create({ name: 'A', systemPrompt: '' });
    const kinds: TimelineKind[] = ['signal', 'error', 'policy_version', 'judge'];
    for (let i = 0; i < 60; i++) {
      store.timeline.append({ id: `e${i}`, personaId: persona.id, kind: kinds[i % kinds.length]!, sampleId: null, messageId: null, summary: `${i}`, data: {} });
    }
    const all = store.timeline.list(persona.id, { limit: 1_000 });
    const wanted = all.filter((e) => e.kind === 'error' || e.kind === 'policy_version');
    expect(store.timeline.list(persona.id, { kinds: ['error', 'policy_version'], limit: 7 })).toEqual(wanted.slice(0, 7));
    const cursor = wanted[4]!.seq;
    expect(store.timeline.list(persona.id, { kinds: ['policy_version', 'error', 'error'], limit: 5, beforeSeq: cursor })).toEqual(
      wanted.filter((e) => e.seq < cursor).slice(0, 5),
    );
    expect(store.timeline.list(persona.id, { kinds: ['hint'] })).toEqual([]);
  });
});

function sampleFor(sampleId: string, personaId: string, conversationId: string, turnId: string) {
  return {
    sampleId,
    personaId,
    conversationId,
    turnId,
    messages: [{ role: 'user' as const, content: 'q' }],
    response: 'r',
    nextState: null,
    reward: 0 as const,
    rewardSource: 'none' as const,
    signalKind: 'neutral' as const,
    confidence: 0.5,
    hint: null,
    supersedes: null,
    policyVersion: null,
    createdAt: 0,
  };
}

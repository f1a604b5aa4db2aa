import { describe, expect, it } from 'vitest';
import { learningSummary, MAX_LIFE_ROWS, SIGNAL_LIVES_SQL, signalLives } from '../../../electron/core/learning-view';
import type { AppStore } from '../../../electron/store/app-store';
import { freshAppStoreEachTest } from '../../support/temp-app-store';

let store: AppStore;
freshAppStoreEachTest('apprentice-learning-scale-', (opened) => {
  store = opened;
});

/**
 * `count` replies with a thumb each (raw rows: thousands in a moment), every `storedEvery`-th
 * one's sample stored by the box and the rest queued; one more signal is replaced (never counted).
 */
function thumbs(personaId: string, count: number, storedEvery: number): void {
  const db = store.db;
  const conversation = store.conversations.create(personaId, 'c');
  const now = Date.now();
  const message = db.prepare(
    `INSERT INTO messages (id, conversation_id, seq, role, content, status, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'complete', ?, ?, ?)`,
  );
  const signal = db.prepare(
    `INSERT INTO signals (id, persona_id, conversation_id, message_id, kind, reward, confidence, source, evidence, superseded_by, created_at)
     VALUES (?, ?, ?, ?, 'thumb_up', 1, 1, 'explicit', '[]', ?, ?)`,
  );
  const outbox = db.prepare(
    `INSERT INTO outbox (sample_id, persona_id, signal_id, payload, state, created_at, sent_at, acked_at) VALUES (?, ?, ?, '{}', ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      message.run(`q${i}`, conversation.id, 2 * i + 1, 'user', `question ${i}`, i === 0 ? null : `r${i - 1}`, now, now);
      message.run(`r${i}`, conversation.id, 2 * i + 2, 'assistant', `answer ${i}`, `q${i}`, now, now);
      signal.run(`s${i}`, personaId, conversation.id, `r${i}`, null, now - (count - i) * 60_000);
      const stored = i % storedEvery === 0;
      outbox.run(`s${i}`, personaId, `s${i}`, stored ? 'acked' : 'pending', now, stored ? now : null, stored ? now : null);
    }
    signal.run('replaced', personaId, conversation.id, 'r0', 's1', now);
  })();
}

describe('the Learning tab past the rows it lists', () => {
  it('lists the newest signals up to its cap and counts every signal in the tiles', () => {
    const persona = store.personas.create({ name: 'Heavy user', systemPrompt: '' });
    const total = MAX_LIFE_ROWS + 700;
    thumbs(persona.id, total, 4);

    const rows = signalLives(store, persona.id);
    expect(rows).toHaveLength(MAX_LIFE_ROWS);
    expect(rows[0]!.signalId).toBe(`s${total - 1}`);
    expect(rows.at(-1)!.signalId).toBe(`s${total - MAX_LIFE_ROWS}`);
    expect(rows.every((r, i) => i === 0 || r.createdAt <= rows[i - 1]!.createdAt)).toBe(true);
    expect(rows[0]).toMatchObject({ reply: `answer ${total - 1}`, question: `question ${total - 1}` });

    const { tiles } = learningSummary(store, persona.id);
    const stored = Math.ceil(total / 4);
    expect(tiles.signals).toBe(total);
    expect(tiles.waitingToTrain).toBe(total);
    // Signals of the last week: one a minute, so every one of them.
    expect(tiles.signalsThisWeek).toBe(total);
    expect(rows.filter((r) => r.stage === 'acknowledged').length).toBeLessThan(stored);
    expect(store.outbox.deliveryCountsForPersona(persona.id)).toEqual({ delivered: stored, acknowledged: stored });
  });

  it('reads its rows newest first through indexes: no scan of every signal, no sort, no temporary index', () => {
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${SIGNAL_LIVES_SQL}`).all('p', MAX_LIFE_ROWS) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(/SEARCH s USING INDEX signals_by_persona_newest/);
    expect(plan).toMatch(/SEARCH o USING INDEX outbox_by_signal/);
    expect(plan).not.toMatch(/AUTOMATIC|TEMP B-TREE|SCAN s\b/);
  });
});

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignalSample } from '../../../shared/protocol/box-stream';
import { openAppStore, type AppStore } from '../../../electron/store/app-store';
import { migrations } from '../../../electron/store/migrations';
import { applyMigrations } from '../../../electron/store/open-database';

let dir: string;
let store: AppStore | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-held-'));
});
afterEach(() => {
  store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

function heldRow(s: AppStore): string {
  const persona = s.personas.create({ name: 'Tutor', systemPrompt: '', hintMode: 'review' });
  const conversation = s.conversations.create(persona.id, 'c');
  const reply = s.messages.insert({ conversationId: conversation.id, role: 'assistant', content: 'r', status: 'complete' });
  const signal = s.signals.insert({ personaId: persona.id, conversationId: conversation.id, messageId: reply.id, triggerMessageId: null, kind: 'thumb_down', reward: -1, confidence: 1, source: 'explicit', evidence: [], decidedBy: 'user', judgeTally: null, fate: 'will_train' });
  const sample: SignalSample = {
    sampleId: signal.id,
    personaId: persona.id,
    conversationId: conversation.id,
    turnId: reply.id,
    messages: [{ role: 'user', content: 'q' }],
    response: 'r',
    nextState: { role: 'feedback', content: 'thumbs down (details withheld by the user)' },
    reward: -1,
    rewardSource: 'explicit',
    signalKind: 'thumb_down',
    confidence: 1,
    hint: null,
    supersedes: null,
    policyVersion: null,
    createdAt: 1,
  };
  s.outbox.enqueue(sample, signal.id, { held: true });
  return signal.id;
}

describe('HeldNextStateRepository', () => {
  it('keeps a held row\'s real next state until it is taken, once', () => {
    store = openAppStore(join(dir, 'app.sqlite'));
    const sampleId = heldRow(store);
    store.heldNextStates.keep(sampleId, { role: 'feedback', content: 'thumbs down: say ATP' });
    expect(() => store!.heldNextStates.keep(sampleId, { role: 'feedback', content: 'again' })).toThrow();
    expect(() => store!.heldNextStates.keep('no-such-row', { role: 'feedback', content: 'x' })).toThrow(/FOREIGN KEY/);
    expect(store.heldNextStates.take(sampleId)).toEqual({ role: 'feedback', content: 'thumbs down: say ATP' });
    expect(store.heldNextStates.take(sampleId)).toBeUndefined();
  });

  it('refuses a stored next state that does not parse instead of sending it on', () => {
    store = openAppStore(join(dir, 'app.sqlite'));
    const sampleId = heldRow(store);
    store.db.prepare('INSERT INTO held_next_states (sample_id, next_state) VALUES (?, ?)').run(sampleId, '{"role":"robot","content":1}');
    expect(() => store!.heldNextStates.take(sampleId)).toThrow();
  });

  it('arrives by migration on a database made by the first schema, keeping its rows', () => {
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    expect(applyMigrations(old, migrations.filter((m) => m.version === 1))).toBe(1);
    old.close();
    store = openAppStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBe(Math.max(...migrations.map((m) => m.version)));
    const sampleId = heldRow(store);
    store.heldNextStates.keep(sampleId, null);
    expect(store.heldNextStates.take(sampleId)).toBeNull();
  });
});

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchHits } from '../../../electron/core/search-hits';
import { openAppStore, type AppStore } from '../../../electron/store/app-store';
import { ftsQuery } from '../../../electron/store/message-search';
import { migrations } from '../../../electron/store/migrations';

/** The number a named migration has (numbers change when branches merge; names do not). */
const versionOf = (name: string) => migrations.find((m) => m.name === name)!.version;
import { applyMigrations } from '../../../electron/store/open-database';

const dir = mkdtempSync(join(tmpdir(), 'apprentice-search-'));
let store: AppStore;
let n = 0;
beforeEach(() => {
  store = openAppStore(join(dir, `s${++n}.sqlite`));
});
afterEach(() => store.close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function conversationWith(personaName: string, title: string, ...texts: string[]) {
  const persona = store.personas.create({ name: personaName, systemPrompt: '' });
  const conversation = store.conversations.create(persona.id, title);
  const messages = texts.map((content, i) =>
    store.messages.insert({ conversationId: conversation.id, role: i % 2 === 0 ? 'user' : 'assistant', content, status: 'complete' }),
  );
  return { persona, conversation, messages };
}

const matched = (hit: { snippet: Array<{ text: string; match: boolean }> }) => hit.snippet.filter((p) => p.match).map((p) => p.text);

describe('full-text search', () => {
  it('finds messages across conversations and personas, marks the words, and ranks best first', () => {
    const a = conversationWith('Geographer', 'Capitals', 'What is the capital of Australia?', 'Canberra is the capital of Australia.');
    const b = conversationWith('Cook', 'Pasta', 'How long to boil pasta?', 'Boil it for nine minutes, then taste the pasta.');
    const hits = searchHits(store.db, 'pasta', {});
    expect(hits.map((h) => h.messageId)).toEqual(expect.arrayContaining([b.messages[0]!.id, b.messages[1]!.id]));
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ conversationId: b.conversation.id, conversationTitle: 'Pasta', personaName: 'Cook' });
    expect(matched(hits[0]!)).toEqual(expect.arrayContaining(['pasta']));

    // Every word must occur; the last one may be a prefix; case and accents do not matter.
    expect(searchHits(store.db, 'CANBERRA capit', {}).map((h) => h.messageId)).toEqual([a.messages[1]!.id]);
    store.messages.insert({ conversationId: a.conversation.id, role: 'user', content: 'Un café crème, s’il vous plaît', status: 'complete' });
    expect(searchHits(store.db, 'cafe creme', {})).toHaveLength(1);
    // One persona only.
    expect(searchHits(store.db, 'the', { personaId: a.persona.id }).every((h) => h.personaId === a.persona.id)).toBe(true);
  });

  it('keeps the index in step with streamed text, rewrites and deletions', () => {
    const { conversation, messages } = conversationWith('P', 'T', 'Tell me about volcanoes');
    const reply = store.messages.insert({ conversationId: conversation.id, role: 'assistant', content: '', status: 'streaming', parentId: messages[0]!.id });
    store.messages.saveProgress(reply.id, 'Volcanoes form where magma');
    expect(searchHits(store.db, 'magma', {}).map((h) => h.messageId)).toEqual([reply.id]);
    store.messages.finish(reply.id, { content: 'Volcanoes form where molten rock rises.', status: 'complete' });
    expect(searchHits(store.db, 'magma', {})).toEqual([]);
    expect(searchHits(store.db, 'molten', {})).toHaveLength(1);

    // A rewritten reply is found by what the thread shows.
    const signal = store.signals.insert({
      personaId: conversation.personaId,
      conversationId: conversation.id,
      messageId: reply.id,
      kind: 'edit',
      reward: -1,
      confidence: 1,
      source: 'explicit',
      evidence: [],
      triggerMessageId: null,
      decidedBy: 'user',
      judgeTally: null,
      fate: 'will_train',
    });
    store.corrections.add({ kind: 'edit', signalId: signal.id, messageId: reply.id, text: 'Volcanoes grow over hotspots.', createdAt: Date.now() });
    expect(searchHits(store.db, 'hotspots', {}).map((h) => h.messageId)).toEqual([reply.id]);
    expect(searchHits(store.db, 'molten', {})).toEqual([]);

    store.conversations.softDelete(conversation.id);
    expect(searchHits(store.db, 'volcanoes', {})).toEqual([]);
  });

  it('reads what is typed as words, never as FTS syntax', () => {
    conversationWith('P', 'T', 'NEAR the "quoted" AND (grouped) words*');
    expect(ftsQuery('  ')).toBeNull();
    expect(ftsQuery('a "b" OR c*')).toBe('"a" "b" "OR" "c"*');
    expect(searchHits(store.db, 'quoted AND (grouped', {})).toHaveLength(1);
    expect(searchHits(store.db, '"', {})).toEqual([]);
    expect(searchHits(store.db, 'NEAR(', {})).toHaveLength(1);
  });

  it('indexes the messages a store already had when it arrives by migration', () => {
    store.close();
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    applyMigrations(old, migrations.filter((m) => m.version < versionOf('full-text search')));
    old.prepare(`INSERT INTO personas (id, name, system_prompt, created_at, updated_at) VALUES ('p', 'P', '', 1, 1)`).run();
    old.prepare(`INSERT INTO conversations (id, persona_id, title, created_at, updated_at) VALUES ('c', 'p', 't', 1, 1)`).run();
    old.prepare(`INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at, updated_at) VALUES ('m', 'c', 1, 'user', 'an older zeppelin question', 'complete', 1, 1)`).run();
    old.close();
    store = openAppStore(file);
    expect(searchHits(store.db, 'zeppelin', {}).map((h) => h.messageId)).toEqual(['m']);
  });
});

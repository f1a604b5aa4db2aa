import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openAppStore, type AppStore } from '../../../electron/store/app-store';
import { applyMigrations } from '../../../electron/store/open-database';
import { migrations } from '../../../electron/store/migrations';

/** The number a named migration has (numbers change when branches merge; names do not). */
const versionOf = (name: string) => migrations.find((m) => m.name === name)!.version;

const dir = mkdtempSync(join(tmpdir(), 'apprentice-tree-'));
let store: AppStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('conversation branches migration', () => {
  it('turns threads written before branches into trees whose visible path is the old thread', () => {
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    applyMigrations(old, migrations.filter((m) => m.version < versionOf('conversation branches and reply corrections')));
    old.prepare(`INSERT INTO personas (id, name, system_prompt, created_at, updated_at) VALUES ('p', 'P', '', 1, 1)`).run();
    old.prepare(`INSERT INTO conversations (id, persona_id, title, created_at, updated_at) VALUES ('c', 'p', 't', 1, 1)`).run();
    const insert = old.prepare(
      `INSERT INTO messages (id, conversation_id, seq, role, content, status, replaces_id, superseded_at, created_at, updated_at)
       VALUES (?, 'c', ?, ?, ?, 'complete', ?, ?, ?, ?)`,
    );
    // u1 → a1 (regenerated twice: a1 → a2 → a3) → u2 → a4
    insert.run('u1', 1, 'user', 'hi', null, null, 1, 1);
    insert.run('a1', 2, 'assistant', 'one', null, 10, 2, 2);
    insert.run('a2', 3, 'assistant', 'two', 'a1', 20, 3, 3);
    insert.run('a3', 4, 'assistant', 'three', 'a2', null, 4, 4);
    insert.run('u2', 5, 'user', 'more', null, null, 5, 5);
    insert.run('a4', 6, 'assistant', 'four', null, null, 6, 6);
    old.close();

    store = openAppStore(file);
    const thread = store.messages.listThread('c');
    expect(thread.map((m) => m.id)).toEqual(['u1', 'a3', 'u2', 'a4']);
    expect(thread[1]!.versionIds).toEqual(['a1', 'a2', 'a3']);
    expect(store.messages.get('a1')!.parentId).toBe('u1');
    expect(store.messages.contextOf('a4').map((m) => m.content)).toEqual(['hi', 'three', 'more']);
    // Earlier versions are selectable; the branch below a3 is remembered when coming back.
    store.messages.select('a1');
    expect(store.messages.listThread('c').map((m) => m.id)).toEqual(['u1', 'a1']);
    store.messages.select('a3');
    expect(store.messages.listThread('c').map((m) => m.id)).toEqual(['u1', 'a3', 'u2', 'a4']);
    expect(store.messages.lastInThread('c')!.id).toBe('a4');
  });
});

import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME } from '../../../electron/core/create-core';
import { startCore, type CoreHarness } from './core-test-kit';

/** Chats, settings and the box token must be readable by this user only (other local users included). */

const temps: string[] = [];
let h: CoreHarness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (path: string) => `${path.split('/').at(-1)}: ${mode(path).toString(8)}`;

function tempParent(): string {
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-modes-'));
  temps.push(dir);
  return dir;
}

async function fillDataDir(harness: CoreHarness): Promise<void> {
  await harness.invoke('settings:update', { box: { url: 'http://127.0.0.1:9' } });
  await harness.invoke('settings:setBoxToken', { token: 'box-token-0123456789abcdef' });
  await harness.invoke('settings:setEndpointKey', { endpoint: 'http://127.0.0.1:11434/v1', key: 'sk-local-secret' });
  const [persona] = await harness.invoke('personas:list', {});
  await harness.invoke('conversations:create', { personaId: persona!.id, title: 'secret plans' });
}

function privateFiles(dataDir: string): string[] {
  return [DATABASE_FILE_NAME, `${DATABASE_FILE_NAME}-wal`, `${DATABASE_FILE_NAME}-shm`, 'settings.json', 'box-token', 'endpoint-keys.json']
    .map((name) => join(dataDir, name))
    .filter((file) => existsSync(file));
}

describe('app data files are private to the user', () => {
  it('creates the data folder 0700 and the database (with -wal/-shm), settings and token 0600 on a fresh start', async () => {
    const dataDir = join(tempParent(), 'nested', 'data');
    h = await startCore({ dataDir });
    await fillDataDir(h);
    expect(mode(dataDir)).toBe(0o700);
    const files = privateFiles(dataDir);
    // The store is open in WAL mode, so its -wal and -shm files exist now.
    expect(files.map((f) => f.split('/').at(-1))).toEqual([
      DATABASE_FILE_NAME,
      `${DATABASE_FILE_NAME}-wal`,
      `${DATABASE_FILE_NAME}-shm`,
      'settings.json',
      'box-token',
      'endpoint-keys.json',
    ]);
    expect(files.map(octal)).toEqual(files.map((f) => `${f.split('/').at(-1)}: 600`));
  });

  it('tightens a folder and files a previous version left readable to others', async () => {
    const dataDir = join(tempParent(), 'data');
    h = await startCore({ dataDir });
    await fillDataDir(h);
    await h.dispose();
    h = null;
    // Loosen everything as an older version (or a careless copy) would have left it, with a
    // second connection holding the database open so its -wal and -shm files exist too.
    const holder = new Database(join(dataDir, DATABASE_FILE_NAME));
    holder.pragma('journal_mode = WAL');
    holder.prepare("SELECT count(*) FROM personas").get();
    try {
      chmodSync(dataDir, 0o755);
      for (const file of privateFiles(dataDir)) chmodSync(file, 0o644);
      expect(privateFiles(dataDir)).toHaveLength(6);
      h = await startCore({ dataDir });
      expect(mode(dataDir)).toBe(0o700);
      expect(privateFiles(dataDir).map(octal)).toEqual(privateFiles(dataDir).map((f) => `${f.split('/').at(-1)}: 600`));
      // Nothing was lost on the way.
      const [persona] = await h.invoke('personas:list', {});
      expect((await h.invoke('conversations:list', { personaId: persona!.id })).map((c) => c.title)).toEqual(['secret plans']);
      expect((await h.invoke('settings:get', {})).box).toEqual({ url: 'http://127.0.0.1:9', hasToken: true });
    } finally {
      holder.close();
    }
  });

  it('keeps a settings file it had to set aside private as well', async () => {
    const dataDir = join(tempParent(), 'data');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), '{ not json', { mode: 0o644 });
    h = await startCore({ dataDir });
    expect(h.core.warnings.join('\n')).toMatch(/settings\.json\.invalid-/);
    const backup = /(\S+settings\.json\.invalid-\d+)/.exec(h.core.warnings.join('\n'))![1]!;
    expect(mode(backup)).toBe(0o600);
    expect(mode(join(dataDir, 'settings.json'))).toBe(0o600);
  });
});

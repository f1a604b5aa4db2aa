import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { ensureOwnerOnlyDir, ensureOwnerOnlyFile, tightenOwnerOnlyFile } from './owner-only-files';

export type BoxDb = Database.Database;

export interface ModuleMigration {
  version: number;
  sql: string;
}

/**
 * Opens the box's SQLite file in WAL mode. 'FULL' (the default) fsyncs every commit: the gateway
 * acks a sample only after its write commits, so a commit must survive power loss, not just a
 * crash. 'NORMAL' is for a second connection whose writes may lose the last moments on power
 * loss (the turn log) and must not stall the event loop with an fsync on every chat turn.
 */
export function openBoxDatabase(file: string, synchronous: 'FULL' | 'NORMAL' = 'FULL'): BoxDb {
  if (file !== ':memory:') {
    // Every judged turn and chat is in here: the folder 0700, the file and its -wal/-shm 0600.
    ensureOwnerOnlyDir(dirname(file));
    ensureOwnerOnlyFile(file);
    for (const suffix of ['-wal', '-shm']) tightenOwnerOnlyFile(`${file}${suffix}`);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  return db;
}

/**
 * Applies one module's numbered migrations. Each box module (gateway, training, ...) keeps its own
 * version row, so modules owned by different people can add tables to the same file without
 * fighting over one user_version. Append entries; never edit an applied one.
 */
export function applyModuleMigrations(db: BoxDb, module: string, migrations: readonly ModuleMigration[]): number {
  const row = db.prepare('SELECT version FROM schema_migrations WHERE module = ?').get(module) as { version: number } | undefined;
  const current = row?.version ?? 0;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new Error(`box database: module "${module}" is at schema ${current}, newer than this gateway knows (${latest}); update the box`);
  }
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare(
        'INSERT INTO schema_migrations (module, version) VALUES (?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version',
      ).run(module, migration.version);
    })();
  }
  return pending.length;
}

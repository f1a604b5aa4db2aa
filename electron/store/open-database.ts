import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { SQLITE_BINDING_ENV } from '../native/native-paths';
import { migrations as allMigrations, type Migration } from './migrations';
import { ensureOwnerOnlyDir, ensureOwnerOnlyFile, tightenOwnerOnlyFile } from './owner-only-files';

export type Db = Database.Database;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Opens (creating if needed) the app's SQLite file in WAL mode and applies pending migrations.
 * The sync worker opens the same file on its own connection; WAL lets it read while main writes.
 *
 * synchronous=FULL: every commit syncs the WAL, so nothing the UI already showed (a message, a
 * signal with its hint and outbox row, a hint review) rolls back on power loss; NORMAL would keep
 * crash safety but could lose the last commits. The cost is one fsync per commit (~5 ms on a VM
 * disk, ~0.1 ms with NORMAL): a few per user action and one per 500 ms while a reply streams.
 * The sync worker's writes (acks, progress, cursors) could be re-fetched from the box, but pay the
 * fsync off the UI thread, so one setting serves both connections (README: "Durability").
 */
export function openDatabase(file: string, migrations: readonly Migration[] = allMigrations): Db {
  if (file !== ':memory:') {
    // The store holds every chat: its folder and files are for this user only (0700/0600).
    ensureOwnerOnlyDir(dirname(file));
    ensureOwnerOnlyFile(file);
    for (const suffix of ['-wal', '-shm']) tightenOwnerOnlyFile(`${file}${suffix}`);
  }
  // Electron points this at its own build of better-sqlite3 (its ABI differs from Node's); Node uses node_modules'.
  const nativeBinding = process.env[SQLITE_BINDING_ENV];
  const db = new Database(file, nativeBinding ? { nativeBinding } : undefined);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, migrations);
  return db;
}

export function applyMigrations(db: Db, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new MigrationError(
      `database schema version ${current} is newer than this app knows (${latest}); update Apprentice`,
    );
  }
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return pending.length;
}

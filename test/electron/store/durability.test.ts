import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppStore } from '../../../electron/store/app-store';
import { openDatabase } from '../../../electron/store/open-database';

/**
 * A write the UI showed (a message, a signal and its hint, the outbox row that carries them to the
 * box) must survive a power loss, not only a crash: in WAL mode that takes synchronous=FULL, which
 * syncs the WAL at every commit; NORMAL syncs it only at checkpoints and may roll back the last
 * commits. Both connections to the file (the core's and the sync worker's) open it through
 * openDatabase, so both must get FULL.
 */

const SYNCHRONOUS_FULL = 2;
let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('store durability', () => {
  it("syncs every commit (WAL + synchronous=FULL) on the core's connection", () => {
    dir = mkdtempSync(join(tmpdir(), 'apprentice-durable-'));
    const store = openAppStore(join(dir, 'apprentice.sqlite'));
    try {
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('synchronous', { simple: true })).toBe(SYNCHRONOUS_FULL);
    } finally {
      store.close();
    }
  });

  it("syncs every commit on a second connection (the sync worker's) as well", () => {
    dir = mkdtempSync(join(tmpdir(), 'apprentice-durable-'));
    const store = openAppStore(join(dir, 'apprentice.sqlite'));
    const worker = openDatabase(store.file);
    try {
      expect(worker.pragma('synchronous', { simple: true })).toBe(SYNCHRONOUS_FULL);
    } finally {
      worker.close();
      store.close();
    }
  });
});

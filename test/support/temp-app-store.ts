import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openAppStore, type AppStore } from '../../electron/store/app-store';

/**
 * A fresh app store in a temporary folder for each test: `opened` receives it (and its folder)
 * before the test; it is closed and the folder removed after.
 */
export function freshAppStoreEachTest(prefix: string, opened: (store: AppStore, dir: string) => void): void {
  let dir = '';
  let store: AppStore | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    store = openAppStore(join(dir, 'app.sqlite'));
    opened(store, dir);
  });
  afterEach(() => {
    store?.close();
    store = null;
    rmSync(dir, { recursive: true, force: true });
  });
}

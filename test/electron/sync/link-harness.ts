import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BoxStatus, TimelineEvent } from '../../../shared/domain';
import { BoxSyncLink, type BoxSyncLinkOptions } from '../../../electron/sync/box-sync-link';
import type { FromWorker } from '../../../electron/sync/types';

/** A BoxSyncLink driven in-process, with every message it posts recorded and awaitable. */
export interface LinkHarness {
  link: BoxSyncLink;
  messages: FromWorker[];
  statuses(): BoxStatus[];
  lastStatus(): BoxStatus | undefined;
  timeline(): TimelineEvent[];
  /** The personas named by each 'delivery' message (samples sent for the first time, or stored). */
  deliveries(): string[][];
  logs(level?: 'info' | 'warn' | 'error'): string[];
  waitFor(predicate: (message: FromWorker) => boolean, what: string, timeoutMs?: number): Promise<FromWorker>;
  waitForStatus(predicate: (status: BoxStatus) => boolean, what: string, timeoutMs?: number): Promise<BoxStatus>;
}

export function createLinkHarness(options: Omit<BoxSyncLinkOptions, 'post'> = {}): LinkHarness {
  const messages: FromWorker[] = [];
  const waiters = new Set<(message: FromWorker) => void>();
  const link = new BoxSyncLink({
    ...options,
    post: (message) => {
      messages.push(message);
      for (const waiter of [...waiters]) waiter(message);
    },
  });
  const harness: LinkHarness = {
    link,
    messages,
    statuses: () => messages.flatMap((m) => (m.type === 'status' ? [m.status] : [])),
    lastStatus: () => harness.statuses().at(-1),
    timeline: () => messages.flatMap((m) => (m.type === 'timeline' ? [m.event] : [])),
    deliveries: () => messages.flatMap((m) => (m.type === 'delivery' ? [m.personaIds] : [])),
    logs: (level) => messages.flatMap((m) => (m.type === 'log' && (!level || m.level === level) ? [m.message] : [])),
    waitFor(predicate, what, timeoutMs = 20_000) {
      const existing = messages.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(harness.lastStatus())}`));
        }, timeoutMs);
        const check = (message: FromWorker) => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(message);
        };
        waiters.add(check);
      });
    },
    async waitForStatus(predicate, what, timeoutMs) {
      const last = harness.lastStatus();
      if (last && predicate(last)) return last;
      const message = await harness.waitFor((m) => m.type === 'status' && predicate(m.status), what, timeoutMs);
      return (message as Extract<FromWorker, { type: 'status' }>).status;
    },
  };
  return harness;
}

/** A fresh temp folder per test, removed afterwards. */
export function makeTempDir(): { dir: string; dbFile: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-sync-'));
  return { dir, dbFile: join(dir, 'apprentice.sqlite'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

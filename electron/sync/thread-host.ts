import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ExitListeners } from './exit-listeners';
import { PortListeners } from './port-listeners';
import type { SyncWorkerPort, ToWorker } from './types';
import { describeZodError, FromWorkerSchema } from './worker-message-schemas';

export interface ThreadSyncWorkerOptions {
  /** The worker entry; defaults to sync-worker.ts beside this file (source) or out/main/sync-worker.js (bundle). */
  modulePath?: string;
  /** How long terminate() waits for a clean 'stopped' before ending the thread anyway. */
  stopTimeoutMs?: number;
}

/** Runs the sync worker in a worker thread (Node: browser mode and tests). */
export function spawnThreadSyncWorker(options: ThreadSyncWorkerOptions = {}): SyncWorkerPort {
  const entry = options.modulePath ?? defaultWorkerEntry();
  const worker = entry.endsWith('.ts')
    ? new Worker(join(dirname(fileURLToPath(import.meta.url)), 'typescript-worker-bootstrap.mjs'), {
        workerData: { entry: pathToFileURL(entry).href },
      })
    : new Worker(entry);
  const listeners = new PortListeners();
  const exitListeners = new ExitListeners();
  let crash: string | null = null;
  let exited = false;
  let terminating = false;
  let stoppedSeen = false;
  const exitedPromise = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const stoppedWaiters: Array<() => void> = [];

  worker.on('message', (data: unknown) => {
    const parsed = FromWorkerSchema.safeParse(data);
    if (!parsed.success) {
      listeners.emit({ type: 'log', level: 'error', message: `bad message from the sync worker: ${describeZodError(parsed.error)}` });
      return;
    }
    if (parsed.data.type === 'stopped') {
      stoppedSeen = true;
      for (const wake of stoppedWaiters.splice(0)) wake();
    }
    listeners.emit(parsed.data);
  });
  worker.on('error', (error) => {
    crash ??= error.message;
    listeners.emit({ type: 'log', level: 'error', message: `sync worker crashed: ${error.stack ?? error.message}` });
  });
  worker.on('exit', (code) => {
    exited = true;
    for (const wake of stoppedWaiters.splice(0)) wake();
    // After 'stopped' the thread ends on its own: that exit was asked for.
    if (!terminating && !stoppedSeen) {
      const reason = `the sync worker exited unexpectedly (code ${code}${crash ? `: ${crash}` : ''})`;
      listeners.emit({ type: 'log', level: 'error', message: reason });
      exitListeners.emit(reason);
    }
  });

  return {
    post(message: ToWorker) {
      if (!exited) worker.postMessage(message);
    },
    onMessage(listener) {
      listeners.add(listener);
    },
    onUnexpectedExit(listener) {
      exitListeners.add(listener);
    },
    async terminate() {
      if (exited) return;
      terminating = true;
      if (!stoppedSeen) {
        const stopped = new Promise<void>((resolve) => stoppedWaiters.push(resolve));
        worker.postMessage({ type: 'stop' } satisfies ToWorker);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.stopTimeoutMs ?? 5_000)))]);
        clearTimeout(timer);
      }
      if (!exited) await worker.terminate();
      await exitedPromise;
    },
  };
}

function defaultWorkerEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (fileURLToPath(import.meta.url).endsWith('.ts')) return join(here, 'sync-worker.ts');
  // Bundled by electron-vite: this code sits in out/main (or a chunk folder below it).
  for (const candidate of [join(here, 'sync-worker.js'), join(here, '..', 'sync-worker.js')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find the bundled sync worker next to ${here}; run npm run build`);
}

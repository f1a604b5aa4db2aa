import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SyncWorkerPort } from './types';
import { createWorkerPortLifecycle } from './worker-port-lifecycle';

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
  const exitedPromise = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const lifecycle = createWorkerPortLifecycle(
    {
      send: (message) => worker.postMessage(message),
      kill: async () => {
        await worker.terminate();
        await exitedPromise;
      },
    },
    { what: 'worker', stopTimeoutMs: options.stopTimeoutMs },
  );
  worker.on('message', (data: unknown) => lifecycle.received(data));
  worker.on('error', (error) => lifecycle.crashed(error.message, error.stack));
  worker.on('exit', (code) => lifecycle.exited(code));
  return lifecycle.port;
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

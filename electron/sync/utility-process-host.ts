import type { SyncWorkerPort } from './types';
import { createWorkerPortLifecycle } from './worker-port-lifecycle';

/**
 * The parts of Electron's `utilityProcess` this host uses, described structurally so that only
 * electron/main.ts imports 'electron'. Pass `utilityProcess` from 'electron' as `forker`.
 */
export interface UtilityProcessChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface UtilityProcessForker {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string }): UtilityProcessChild;
}

/**
 * Runs the sync worker as an Electron utility process. `modulePath` is the bundled worker,
 * e.g. join(__dirname, 'sync-worker.js') from out/main/main.js.
 */
export function spawnUtilityProcessSyncWorker(
  forker: UtilityProcessForker,
  modulePath: string,
  options: { stopTimeoutMs?: number } = {},
): SyncWorkerPort {
  const child = forker.fork(modulePath, [], { serviceName: 'Apprentice sync' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const lifecycle = createWorkerPortLifecycle(
    {
      send: (message) => child.postMessage(message),
      kill: async () => {
        child.kill();
        await exited;
      },
    },
    { what: 'worker process', stopTimeoutMs: options.stopTimeoutMs },
  );
  child.on('message', (data) => lifecycle.received(data));
  child.on('exit', (code) => lifecycle.exited(code));
  return lifecycle.port;
}

import { ExitListeners } from './exit-listeners';
import { PortListeners } from './port-listeners';
import type { SyncWorkerPort, ToWorker } from './types';
import { describeZodError, FromWorkerSchema } from './worker-message-schemas';

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
  const listeners = new PortListeners();
  const exitListeners = new ExitListeners();
  let exited = false;
  let terminating = false;
  let stoppedSeen = false;
  const waiters: Array<() => void> = [];
  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake();
  };

  child.on('message', (data) => {
    const parsed = FromWorkerSchema.safeParse(data);
    if (!parsed.success) {
      listeners.emit({ type: 'log', level: 'error', message: `bad message from the sync worker: ${describeZodError(parsed.error)}` });
      return;
    }
    if (parsed.data.type === 'stopped') {
      stoppedSeen = true;
      wakeAll();
    }
    listeners.emit(parsed.data);
  });
  child.on('exit', (code) => {
    exited = true;
    wakeAll();
    if (!terminating && !stoppedSeen) {
      const reason = `the sync worker process exited unexpectedly (code ${code})`;
      listeners.emit({ type: 'log', level: 'error', message: reason });
      exitListeners.emit(reason);
    }
  });

  return {
    post(message: ToWorker) {
      if (!exited) child.postMessage(message);
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
      const settled = new Promise<void>((resolve) => waiters.push(resolve));
      child.postMessage({ type: 'stop' } satisfies ToWorker);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.stopTimeoutMs ?? 5_000)))]);
      clearTimeout(timer);
      // The worker closed its socket and database before 'stopped'; ending the process is now safe.
      if (!exited) child.kill();
    },
  };
}

import { ExitListeners } from './exit-listeners';
import { PortListeners } from './port-listeners';
import type { SyncWorkerPort, ToWorker } from './types';
import { describeZodError, FromWorkerSchema } from './worker-message-schemas';

/** How a host reaches its worker, whatever runs it (a thread, a utility process). */
export interface WorkerHandle {
  send(message: ToWorker): void;
  /** Ends the worker now; resolves when it is gone. */
  kill(): Promise<void>;
}

/** The host feeds the worker's raw events in; the port is what the core gets. */
export interface WorkerPortLifecycle {
  port: SyncWorkerPort;
  received(data: unknown): void;
  /** `detail` (a stack) goes to the log; `message` into the exit reason the user sees. */
  crashed(message: string, detail?: string): void;
  exited(code: number | null): void;
}

/**
 * One lifecycle for every sync worker host: validates what the worker says, tells an asked-for
 * stop from an unexpected exit, and on terminate lets the worker close its socket and database
 * (it answers 'stopped') before ending it, or ends it after `stopTimeoutMs` regardless.
 */
export function createWorkerPortLifecycle(
  handle: WorkerHandle,
  options: { what: string; stopTimeoutMs?: number },
): WorkerPortLifecycle {
  const listeners = new PortListeners();
  const exitListeners = new ExitListeners();
  const waiters: Array<() => void> = [];
  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake();
  };
  let crash: string | null = null;
  let exited = false;
  let terminating = false;
  let stoppedSeen = false;

  return {
    received(data) {
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
    },
    crashed(message, detail) {
      crash ??= message;
      listeners.emit({ type: 'log', level: 'error', message: `sync worker crashed: ${detail ?? message}` });
    },
    exited(code) {
      exited = true;
      wakeAll();
      // After 'stopped' the worker ends on its own: that exit was asked for.
      if (!terminating && !stoppedSeen) {
        const reason = `the sync ${options.what} exited unexpectedly (code ${code}${crash ? `: ${crash}` : ''})`;
        listeners.emit({ type: 'log', level: 'error', message: reason });
        exitListeners.emit(reason);
      }
    },
    port: {
      post(message: ToWorker) {
        if (!exited) handle.send(message);
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
          const settled = new Promise<void>((resolve) => waiters.push(resolve));
          handle.send({ type: 'stop' });
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.stopTimeoutMs ?? 5_000)));
          await Promise.race([settled, timeout]);
          clearTimeout(timer);
        }
        // The worker closed its socket and database before 'stopped'; ending it now is safe.
        if (!exited) await handle.kill();
      },
    },
  };
}

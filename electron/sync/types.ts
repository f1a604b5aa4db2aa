import type { BoxStatus, TimelineEvent } from '../../shared/domain';

/**
 * Messages between the core (main thread / Electron main) and the sync worker
 * (worker_threads in Node, utilityProcess in Electron). Both directions are validated by the receiver.
 */

export interface SyncConfig {
  /** Absolute path of the app's SQLite file; the worker opens its own connection. */
  dbFile: string;
  /** Box gateway base URL (http[s]://host:port); empty = unconfigured. */
  boxUrl: string;
  token: string | null;
}

export type ToWorker =
  | { type: 'configure'; config: SyncConfig }
  /** New outbox rows are ready (or a held row was released): deliver now. */
  | { type: 'nudge' }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'status'; status: BoxStatus }
  | { type: 'timeline'; event: TimelineEvent }
  /** Samples of these personas went to the box for the first time, or the box stored them (their Learning stage moved). */
  | { type: 'delivery'; personaIds: string[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'stopped' };

/** What a host (thread or utilityProcess) gives the core. */
export interface SyncWorkerPort {
  post(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  terminate(): Promise<void>;
  /**
   * Called once if the worker ends without terminate() having asked it to (a crash, a kill), with a
   * sentence saying how. Hosts that can tell implement it; SupervisedSyncWorker restarts on it.
   */
  onUnexpectedExit?(listener: (reason: string) => void): void;
}

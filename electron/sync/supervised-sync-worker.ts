import type { BoxStatus } from '../../shared/domain';
import { PortListeners } from './port-listeners';
import { ReconnectBackoff, type BackoffOptions } from './reconnect-backoff';
import type { FromWorker, SyncConfig, SyncWorkerPort, ToWorker } from './types';

export type SpawnSyncWorkerPort = () => SyncWorkerPort | Promise<SyncWorkerPort>;

export interface SupervisedSyncWorkerOptions {
  /** Delay before each restart; grows while the worker keeps dying young. */
  backoff?: BackoffOptions;
  /** A worker that ran this long was healthy: the next restart starts from the shortest delay again. */
  healthyAfterMs?: number;
}

const DEFAULT_RESTART_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 60_000 };

/**
 * Wraps a sync worker spawner (thread or utilityProcess) so that the port it hands out outlives its
 * worker: e.g. `superviseSyncWorker(() => spawnThreadSyncWorker())` where a bare spawner was passed.
 */
export function superviseSyncWorker(spawn: SpawnSyncWorkerPort, options: SupervisedSyncWorkerOptions = {}): () => Promise<SyncWorkerPort> {
  return () => SupervisedSyncWorker.start(spawn, options);
}

/**
 * A SyncWorkerPort that restarts its worker when it dies unexpectedly: it says so at once with a
 * 'disconnected' status (the worker can no longer), starts a new one after a growing delay and
 * configures it as the last one was. Nothing is lost meanwhile: signals wait in the outbox.
 * Hosts without `onUnexpectedExit` are passed through unsupervised.
 */
export class SupervisedSyncWorker implements SyncWorkerPort {
  private port: SyncWorkerPort | null = null;
  private readonly listeners = new PortListeners();
  private readonly backoff: ReconnectBackoff;
  private readonly healthyAfterMs: number;
  private lastConfig: SyncConfig | null = null;
  private lastStatus: BoxStatus | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  /** terminate() or a 'stop' was asked for: an exit from now on is expected. */
  private stopping = false;

  /** Spawns the first worker; if that fails the error is the caller's, as with a bare spawner. */
  static async start(spawn: SpawnSyncWorkerPort, options: SupervisedSyncWorkerOptions = {}): Promise<SupervisedSyncWorker> {
    const supervisor = new SupervisedSyncWorker(spawn, options);
    supervisor.attach(await spawn());
    return supervisor;
  }

  private constructor(
    private readonly spawn: SpawnSyncWorkerPort,
    options: SupervisedSyncWorkerOptions,
  ) {
    this.backoff = new ReconnectBackoff(options.backoff ?? DEFAULT_RESTART_BACKOFF);
    this.healthyAfterMs = options.healthyAfterMs ?? 60_000;
  }

  post(message: ToWorker): void {
    if (message.type === 'configure') this.lastConfig = message.config;
    if (message.type === 'stop') this.stopping = true;
    // While a restart is pending there is no worker: the configure it gets covers any nudge.
    this.port?.post(message);
  }

  onMessage(listener: (message: FromWorker) => void): void {
    this.listeners.add(listener);
  }

  async terminate(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    // Still attached while it stops, so its last words ('stopped') reach the listeners.
    await this.port?.terminate();
    this.port = null;
  }

  private attach(port: SyncWorkerPort): void {
    this.port = port;
    this.startedAt = Date.now();
    port.onMessage((message) => {
      if (this.port !== port) return;
      if (message.type === 'status') this.lastStatus = message.status;
      this.listeners.emit(message);
    });
    port.onUnexpectedExit?.((reason) => {
      if (this.port !== port || this.stopping) return;
      this.port = null;
      if (Date.now() - this.startedAt >= this.healthyAfterMs) this.backoff.reset();
      this.scheduleRestart(reason);
    });
  }

  private scheduleRestart(reason: string): void {
    if (this.stopping) return;
    const delay = this.backoff.next();
    const detail = `Sync stopped: ${reason}; restarting the worker in ${(delay / 1000).toFixed(1)} s. Signals wait safely on this machine.`;
    this.listeners.emit({ type: 'log', level: 'warn', message: detail });
    this.listeners.emit({ type: 'status', status: this.disconnectedStatus(detail, delay) });
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    this.restartTimer = null;
    if (this.stopping) return;
    let port: SyncWorkerPort;
    try {
      port = await this.spawn();
    } catch (error) {
      this.scheduleRestart(`the sync worker could not restart (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    if (this.stopping) {
      await port.terminate();
      return;
    }
    this.attach(port);
    if (this.lastConfig) port.post({ type: 'configure', config: this.lastConfig });
  }

  /** The last status the worker gave, marked disconnected: the counts stay as they were. */
  private disconnectedStatus(detail: string, retryInMs: number): BoxStatus {
    const base: BoxStatus = this.lastStatus ?? {
      state: 'disconnected',
      url: this.lastConfig?.boxUrl ?? '',
      detail,
      pending: 0,
      held: 0,
      acked: 0,
      lastAckAt: null,
      policyVersion: null,
      retryInMs,
    };
    return { ...base, state: 'disconnected', detail, retryInMs };
  }
}

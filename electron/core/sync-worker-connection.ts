import type { BoxStatus, TimelineEvent } from '../../shared/domain';
import { FromWorkerSchema, describeZodError } from '../sync/worker-message-schemas';
import type { SyncConfig, SyncWorkerPort } from '../sync/types';

export type SpawnSyncWorker = () => SyncWorkerPort | Promise<SyncWorkerPort>;

export interface SyncWorkerListeners {
  status(status: BoxStatus): void;
  timeline(event: TimelineEvent): void;
  delivery(personaIds: string[]): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/**
 * The core's side of the sync worker: starts it, keeps it configured, nudges it after outbox writes
 * and passes on what it reports. A worker that fails to start leaves the app working offline (the
 * outbox keeps everything) and says so through `failure`.
 */
export class SyncWorkerConnection {
  private port: SyncWorkerPort | null = null;
  failure: string | null = null;

  constructor(private readonly listeners: SyncWorkerListeners) {}

  /** Spawns the worker, configures it and lets it deliver whatever the outbox already holds. */
  async start(spawn: SpawnSyncWorker, config: () => Promise<SyncConfig>): Promise<void> {
    let port: SyncWorkerPort;
    try {
      port = await spawn();
    } catch (error) {
      this.failure = `The sync worker could not start: ${error instanceof Error ? error.message : String(error)}`;
      this.listeners.log('error', this.failure);
      return;
    }
    port.onMessage((raw) => this.receive(raw));
    this.port = port;
    this.configure(await config());
    this.nudge();
  }

  configure(config: SyncConfig): void {
    this.post({ type: 'configure', config });
  }

  nudge(): void {
    this.post({ type: 'nudge' });
  }

  /** The host asks the worker to finish cleanly (socket and db closed) and ends it. */
  async stop(): Promise<void> {
    const port = this.port;
    this.port = null;
    await port?.terminate();
  }

  private post(message: Parameters<SyncWorkerPort['post']>[0]): void {
    try {
      this.port?.post(message);
    } catch (error) {
      this.listeners.log('error', `could not message the sync worker: ${String(error)}`);
    }
  }

  private receive(raw: unknown): void {
    const parsed = FromWorkerSchema.safeParse(raw);
    if (!parsed.success) {
      this.listeners.log('warn', `ignored a malformed message from the sync worker: ${describeZodError(parsed.error)}`);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'status':
        this.listeners.status(message.status);
        break;
      case 'timeline':
        this.listeners.timeline(message.event);
        break;
      case 'delivery':
        this.listeners.delivery(message.personaIds);
        break;
      case 'log':
        this.listeners.log(message.level, message.message);
        break;
      case 'stopped':
        break;
    }
  }
}

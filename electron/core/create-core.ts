import { join } from 'node:path';
import type { BoxStatus, TokenProtection } from '../../shared/domain';
import {
  invokeContract,
  isInvokeChannel,
  type EventName,
  type EventPayload,
  type InvokeChannel,
} from '../../shared/ipc/contract';
import type { IpcResult } from '../../shared/ipc/transport';
import { ENCRYPTED_TOKEN_FILE_NAME } from '../settings/encrypted-token-file';
import { ENCRYPTED_ENDPOINT_KEYS_FILE_NAME, ENDPOINT_KEYS_FILE_NAME, EndpointKeyFile, type EndpointKeys } from '../settings/endpoint-key-store';
import { SETTINGS_FILE_NAME, SettingsStore, type OpenSettingsConf } from '../settings/settings-store';
import { BOX_TOKEN_FILE_NAME, BoxTokenFile, type TokenVault } from '../settings/token-vault';
import { openAppStore } from '../store/app-store';
import { ensureOwnerOnlyDir, tightenOwnerOnlyFile } from '../store/owner-only-files';
import { superviseSyncWorker } from '../sync/supervised-sync-worker';
import type { SyncConfig } from '../sync/types';
import { ChatService, type ChatTiming } from './chat-service';
import { ConversationTitler } from './conversation-titler';
import type { CoreContext } from './core-context';
import { CoreError } from './core-error';
import { CoreEvents } from './core-events';
import { FeedbackService } from './feedback-service';
import { HintReviewService } from './hint-review-service';
import { createInvokeHandlers, type InvokeHandlers } from './invoke-handlers';
import { JudgeRunner } from './judge-runner';
import { SignalRemovalService } from './signal-removal-service';
import { signalsTouchedBy } from './signals-touched-by';
import { detectLocalServers, LOCAL_SERVER_CANDIDATES, type LocalServerCandidate } from './local-server-probe';
import { SyncWorkerConnection, type SpawnSyncWorker } from './sync-worker-connection';
import { ServedModels } from '../policy/served-models';

export const DATABASE_FILE_NAME = 'apprentice.sqlite';

export interface CoreOptions {
  dataDir: string;
  mode: 'electron' | 'browser';
  /** Where the box token lives; default: `<dataDir>/box-token` (0600). Electron passes safeStorage. */
  tokenVault?: TokenVault;
  /** What the settings say about how the token is kept; default: the plain 0600 file's description. */
  tokenProtection?: TokenProtection;
  /** Where endpoint API keys live; default: `<dataDir>/endpoint-keys.json` (0600). Electron passes safeStorage. */
  endpointKeys?: EndpointKeys;
  /** Which local ports the onboarding probes for model servers (default: the engines' usual ports). */
  localServers?: readonly LocalServerCandidate[];
  /** How the settings file is opened; Electron passes electron-store, Node uses conf. */
  openSettingsConf?: OpenSettingsConf;
  /** Starts the sync worker; null runs without one (signals wait in the outbox). */
  spawnSyncWorker?: SpawnSyncWorker | null;
  fetch?: typeof fetch;
  version?: string;
  timing?: Partial<ChatTiming>;
  /** Default true: a conversation is named by the model after its first exchange (tests of other things turn it off). */
  generateTitles?: boolean;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface Core {
  readonly dataDir: string;
  /** Problems found at start (e.g. an invalid settings file that was replaced). */
  readonly warnings: readonly string[];
  /** Runs one IPC call: validates channel and payload, never throws. */
  handle(channel: unknown, payload: unknown): Promise<IpcResult>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Resolves when no reply is streaming and no judge is running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const PLAIN_FILE_TOKEN_PROTECTION: TokenProtection = {
  protectedByKeychain: false,
  detail: `No keychain here: the token is kept in ${BOX_TOKEN_FILE_NAME} in the app data folder, readable only by your user (mode 0600).`,
};

const DEFAULT_PERSONA = {
  name: 'Assistant',
  systemPrompt: 'You are a helpful assistant.',
  hintMode: 'auto' as const,
};

/**
 * The app's core, with no Electron in it: Electron's main process, browser mode and the tests all
 * run this same object. It owns the SQLite store, settings, the policy stream, signals and the sync
 * worker, and speaks the IPC contract through `handle` and `on`.
 */
export function createCore(options: CoreOptions): Core {
  const log = options.log ?? defaultLog;
  // Chats, settings and the token: this user's only (0700 folder; the files below and the store 0600).
  ensureOwnerOnlyDir(options.dataDir);
  for (const name of [SETTINGS_FILE_NAME, BOX_TOKEN_FILE_NAME, ENCRYPTED_TOKEN_FILE_NAME, ENDPOINT_KEYS_FILE_NAME, ENCRYPTED_ENDPOINT_KEYS_FILE_NAME]) tightenOwnerOnlyFile(join(options.dataDir, name));
  const warnings: string[] = [];
  const settings = new SettingsStore(options.dataDir, Date.now(), options.openSettingsConf);
  if (settings.recovery) {
    warnings.push(
      `The settings file was ${settings.recovery.problem}; it was kept as ${settings.recovery.backupFile} and the defaults were restored.`,
    );
  }
  const store = openAppStore(join(options.dataDir, DATABASE_FILE_NAME));
  const interrupted = store.messages.closeInterrupted('Interrupted: the app closed while this reply was streaming.');
  if (interrupted > 0) log('info', `closed ${interrupted} reply(ies) left streaming by the previous run`);
  if (store.personas.countAll() === 0) store.personas.create(DEFAULT_PERSONA);

  const events = new CoreEvents((error) => log('error', `event listener failed: ${String(error)}`));
  const tokenVault = options.tokenVault ?? new BoxTokenFile(options.dataDir);
  const endpointKeys = options.endpointKeys ?? new EndpointKeyFile(options.dataDir);
  const sync = new SyncWorkerConnection({
    status: (status) => {
      lastStatus = status;
      events.emit('box:status', boxStatus());
    },
    timeline: (event) => {
      events.emit('timeline:appended', event);
      // The box's verdicts, training steps and withdrawals change what a reply's badge says.
      for (const changed of signalsTouchedBy(store, event)) events.emit('signals:changed', changed);
    },
    delivery: (personaIds) => {
      for (const personaId of personaIds) events.emit('learning:changed', { personaId });
    },
    log: (level, message) => log(level, `[sync] ${message}`),
  });
  const ctx: CoreContext = {
    store,
    events,
    settings,
    tokenVault,
    endpointKeys,
    fetch: options.fetch,
    servedModels: new ServedModels(),
    nudgeSync: () => sync.nudge(),
    log,
  };

  for (const warning of warnings) {
    log('warn', warning);
    const persona = store.personas.list()[0];
    if (persona) {
      store.timeline.append({
        id: `error:settings:${Date.now()}`,
        personaId: persona.id,
        kind: 'error',
        sampleId: null,
        messageId: null,
        summary: warning,
        data: { source: 'settings' },
      });
    }
  }

  let lastStatus: BoxStatus | null = null;
  const boxStatus = (): BoxStatus => {
    const url = settings.get().box.url;
    const counts = store.outbox.counts();
    const base: BoxStatus = lastStatus ?? {
      state: !url ? 'unconfigured' : sync.failure ? 'disconnected' : 'connecting',
      url,
      detail: !url ? 'No box is configured yet; signals wait safely on this machine.' : (sync.failure ?? 'Connecting to the box…'),
      pending: 0,
      held: 0,
      acked: 0,
      lastAckAt: null,
      policyVersion: null,
      retryInMs: null,
    };
    return { ...base, pending: counts.pending, held: counts.held, acked: counts.acked, lastAckAt: store.outbox.lastAckAt() };
  };
  const syncConfig = async (): Promise<SyncConfig> => ({
    dbFile: store.file,
    boxUrl: settings.get().box.url,
    token: await tokenVault.get(),
  });

  const judge = new JudgeRunner(ctx);
  const chat = new ChatService(
    ctx,
    judge,
    {
      deltaIntervalMs: options.timing?.deltaIntervalMs ?? 30,
      persistIntervalMs: options.timing?.persistIntervalMs ?? 500,
    },
    options.generateTitles === false ? null : new ConversationTitler(ctx),
  );
  const handlers: InvokeHandlers = createInvokeHandlers(ctx, {
    chat,
    feedback: new FeedbackService(ctx),
    hintReview: new HintReviewService(ctx),
    signalRemoval: new SignalRemovalService(ctx),
    appInfo: {
      mode: options.mode,
      version: options.version ?? '0.0.0',
      dataDir: options.dataDir,
      tokenProtection: options.tokenProtection ?? PLAIN_FILE_TOKEN_PROTECTION,
    },
    boxStatus,
    reconfigure: async () => {
      lastStatus = null;
      sync.configure(await syncConfig());
      events.emit('box:status', boxStatus());
    },
    detectServers: () => detectLocalServers(options.localServers ?? LOCAL_SERVER_CANDIDATES, { fetch: options.fetch }),
  });

  const spawn = options.spawnSyncWorker === undefined ? spawnDefaultSyncWorker : options.spawnSyncWorker;
  const syncStarted = spawn ? sync.start(superviseSyncWorker(spawn), syncConfig) : Promise.resolve();

  let closing: Promise<void> | null = null;

  return {
    dataDir: options.dataDir,
    warnings,
    async handle(channel, payload) {
      if (!isInvokeChannel(channel)) {
        return failure('bad_request', `Unknown channel ${JSON.stringify(String(channel).slice(0, 100))}.`);
      }
      if (closing) return failure('unavailable', 'The app is shutting down.');
      const parsed = invokeContract[channel].request.safeParse(payload ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
        return failure('bad_request', `Invalid request for ${channel}: ${issues}`);
      }
      try {
        const handler = handlers[channel] as (request: unknown) => unknown;
        return { ok: true, result: await handler(parsed.data) };
      } catch (error) {
        if (error instanceof CoreError) return failure(error.code, error.message);
        log('error', `${channel as InvokeChannel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return failure('internal', `${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    on: (event, listener) => events.on(event, listener),
    async idle() {
      await chat.idle();
      await judge.idle();
    },
    close() {
      closing ??= (async () => {
        await chat.close();
        await judge.close();
        await syncStarted;
        await sync.stop();
        store.close();
      })();
      return closing;
    },
  };
}

function failure(code: CoreError['code'], message: string): IpcResult {
  return { ok: false, error: { code, message } };
}

function defaultLog(level: 'info' | 'warn' | 'error', message: string): void {
  const line = `[apprentice] ${message}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
}

/** The worker-thread sync worker (Electron passes its utilityProcess one instead). */
async function spawnDefaultSyncWorker() {
  const { spawnThreadSyncWorker } = await import('../sync/thread-host');
  return spawnThreadSyncWorker();
}

/**
 * The box gateway: one HTTP server on the GPU box in front of SGLang.
 *
 *   GET  /health                 public liveness (no token)
 *   ws   /v1/stream              sample ingest + progress broadcast (shared/protocol/box-stream.ts)
 *   POST /v1/chat/completions    OpenAI-compatible proxy to SGLang, turn log with rollout log-probs
 *   GET  /v1/models              proxied
 * Everything but /health needs `Authorization: Bearer <token>`.
 *
 * EXTENSION POINT (for box/training, box/samples, box/judge): pass plugins to `startGateway`:
 *
 *   const trainingPlugin: GatewayPlugin = (gateway) => {
 *     gateway.route('GET', TRAINER_BATCH_PATH, handler);        // extra routes, bearer-guarded by default
 *     gateway.hooks.on('sampleStored', ({ sample }) => ...);   // a new sample is durably stored
 *     gateway.hooks.on('turnFinished', (turn) => ...);         // a chat turn is in the turn log
 *     gateway.policy.beginWeightUpdate();                      // chat waits (notices, or 503 + Retry-After)
 *     await gateway.policy.waitForEngineIdle(60_000);          // in-flight replies end before a push
 *     gateway.policy.finishWeightUpdate('v12');                // releases chat, sets the version
 *     gateway.publishProgress({ kind: 'training_step', ... }); // stored, replayed, broadcast
 *     return { close: async () => ... };                       // optional: runs before the db closes
 *   };
 *   await startGateway(config, { plugins: [trainingPlugin] });
 *
 * Plugins also get `db` (add tables with applyModuleMigrations(db, 'your-module', ...)),
 * `sampleLog`, `turnLog`, `progressLog`, and SGLang clients for the policy and the teacher.
 * Hook listeners run after the fact; one that throws is logged and never breaks an ack or a reply.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { BOX_PROTOCOL_VERSION, BOX_STREAM_PATH, type ProgressEvent } from '../../shared/protocol/box-stream';
import { SglangClient } from '../sglang/sglang-client';
import { isAuthorizedBearer } from './bearer-auth';
import { applyModuleMigrations, openBoxDatabase, type BoxDb } from './box-database';
import { TOKEN_FILE_NAME } from './box-token';
import { readOrCreateBoxId } from './box-identity';
import { ChatProxy } from './chat-proxy';
import {
  BOX_DATABASE_FILE,
  BOX_GATEWAY_VERSION,
  GatewayConfigSchema,
  type GatewayConfig,
  type ResolvedGatewayConfig,
} from './gateway-config';
import { gatewayMigrations } from './gateway-migrations';
import { GatewayHooks } from './gateway-hooks';
import { tightenOwnerOnlyFile } from './owner-only-files';
import { HttpRouter, type HttpMethod, type RouteHandler, type RouteOptions } from './http-router';
import { sendJson } from './json-body';
import { sendOpenAIError } from './openai-error';
import { PolicyState } from './policy-state';
import { publishProgress } from './progress-broadcast';
import { ProgressLog, type NewProgressEvent } from './progress-log';
import { SampleIngestThread } from './sample-ingest-thread';
import { SampleLog } from './sample-log';
import { StreamIngest } from './stream-ingest';
import { TurnLog } from './turn-log';
import { WithdrawalLog } from './withdrawal-log';

export type GatewayLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface Gateway {
  /** http://host:port as bound (the real port when config.port was 0). */
  url: string;
  host: string;
  port: number;
  config: ResolvedGatewayConfig;
  /** This box's id (kept in box.sqlite; sent in every welcome). */
  boxId: string;
  db: BoxDb;
  sampleLog: SampleLog;
  /** Signals the user removed (ws `withdraw` frames). */
  withdrawalLog: WithdrawalLog;
  progressLog: ProgressLog;
  turnLog: TurnLog;
  /** The policy SGLang. */
  sglang: SglangClient;
  /** The teacher/judge SGLang (the policy server when no --teacher-sglang was given). */
  teacherSglang: SglangClient;
  policy: PolicyState;
  hooks: GatewayHooks;
  /** Adds an HTTP route (bearer-guarded unless `{ public: true }`). */
  route(method: HttpMethod, path: string, handler: RouteHandler, options?: RouteOptions): void;
  publishProgress(input: NewProgressEvent): ProgressEvent;
  /** Apps currently connected to /v1/stream (after hello). */
  connectedClients(): number;
  close(): Promise<void>;
}

export interface GatewayPluginHandle {
  close?: () => void | Promise<void>;
}

export type GatewayPlugin = (gateway: Gateway) => void | GatewayPluginHandle | Promise<void | GatewayPluginHandle>;

export interface StartGatewayOptions {
  plugins?: GatewayPlugin[];
  log?: GatewayLog;
}

const consoleLog: GatewayLog = (level, message) => {
  const line = `[box ${level}] ${message}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

function rejectUpgrade(socket: Duplex, status: 401 | 404, message: string): void {
  const body = JSON.stringify({ error: { message, type: status === 401 ? 'authentication_error' : 'not_found_error', code: status } });
  const reason = status === 401 ? 'Unauthorized' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''}Connection: close\r\n\r\n${body}`,
  );
}

export async function startGateway(input: GatewayConfig, options: StartGatewayOptions = {}): Promise<Gateway> {
  const config = GatewayConfigSchema.parse(input);
  const log = options.log ?? consoleLog;
  const dbFile = join(config.dataDir, BOX_DATABASE_FILE);
  const db = openBoxDatabase(dbFile);
  tightenOwnerOnlyFile(join(config.dataDir, TOKEN_FILE_NAME));
  applyModuleMigrations(db, 'gateway', gatewayMigrations);
  const boxId = readOrCreateBoxId(db);
  // Turns are written on every chat reply; an fsync each would stall streaming for everyone.
  const turnDb = openBoxDatabase(dbFile, 'NORMAL');
  // Copying the WAL back into the file (with an fsync) is the ingest worker's job: a commit here that
  // crossed the checkpoint threshold right after a 15 MB sample would otherwise do it on this loop.
  for (const connection of [db, turnDb]) connection.pragma('wal_autocheckpoint = 0');

  const sampleLog = new SampleLog(db);
  const withdrawalLog = new WithdrawalLog(db);
  const progressLog = new ProgressLog(db);
  const turnLog = new TurnLog(turnDb);
  const hooks = new GatewayHooks((event, error) => log('error', `${event} listener failed: ${(error as Error)?.stack ?? String(error)}`));
  const policy = new PolicyState();
  const sglang = new SglangClient({ url: config.sglangUrl, apiKey: config.sglangApiKey });
  const teacherSglang = config.teacherSglangUrl
    ? new SglangClient({ url: config.teacherSglangUrl, apiKey: config.teacherSglangApiKey })
    : sglang;

  const refreshPolicyVersion = async (): Promise<void> => {
    const info = await sglang.getModelInfo();
    // Do not let a slow answer undo an update the trainer reported meanwhile.
    if (!policy.weightsUpdating) policy.setVersion(info.weight_version ?? null);
  };
  try {
    await refreshPolicyVersion();
  } catch (error) {
    log('warn', `could not read SGLang's weight version yet (${(error as Error).message}); will retry on the first chat request`);
  }

  const ingestThread = new SampleIngestThread(dbFile, log);
  const ingest = new StreamIngest({
    ingest: ingestThread,
    sampleLog,
    progressLog,
    policy,
    hooks,
    boxId,
    boxVersion: BOX_GATEWAY_VERSION,
    maxFrameBytes: config.maxFrameBytes,
    heartbeatMs: config.heartbeatMs,
    log,
  });
  const chatProxy = new ChatProxy({
    sglang,
    turnLog,
    policy,
    hooks,
    maxBodyBytes: config.maxChatBodyBytes,
    weightsWaitMs: config.weightsWaitMs,
    weightsRetryAfterSeconds: config.weightsRetryAfterSeconds,
    weightsNoticeWaitMs: config.weightsNoticeWaitMs,
    weightsNoticeIntervalMs: config.weightsNoticeIntervalMs,
    maxWaitingChats: config.maxWaitingChats,
    defaultChatTemplateKwargs: config.defaultChatTemplateKwargs,
    refreshPolicyVersion,
    log,
  });

  const router = new HttpRouter();
  router.add(
    'GET',
    '/health',
    (_req, res) =>
      sendJson(res, 200, {
        status: 'ok',
        protocol: BOX_PROTOCOL_VERSION,
        boxVersion: BOX_GATEWAY_VERSION,
        boxId,
        policyVersion: policy.version,
        weightsUpdating: policy.weightsUpdating,
        // While updating: about how long until chat is served again (null: no estimate yet).
        resumeInMs: policy.expectedResumeInMs(),
      }),
    { public: true },
  );
  router.add('POST', '/v1/chat/completions', chatProxy.handleChatCompletions);
  router.add('GET', '/v1/models', chatProxy.handleModels);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const match = router.match(req.method ?? 'GET', url.pathname);
    const isPublic = !('status' in match) && match.public;
    if (!isPublic && !isAuthorizedBearer(req.headers.authorization, config.token)) {
      req.resume();
      return sendOpenAIError(res, 401, 'authentication_error', 'missing or wrong box token (Authorization: Bearer <token>)', {
        'www-authenticate': 'Bearer',
      });
    }
    if ('status' in match) {
      req.resume();
      return match.status === 404
        ? sendOpenAIError(res, 404, 'not_found_error', `no route ${url.pathname}`)
        : sendOpenAIError(res, 405, 'invalid_request_error', `${req.method} is not allowed on ${url.pathname}`, { allow: match.allowed.join(', ') });
    }
    Promise.resolve()
      .then(() => match.handler(req, res, { url }))
      .catch((error: unknown) => {
        log('error', `${req.method} ${url.pathname} failed: ${(error as Error)?.stack ?? String(error)}`);
        if (!res.headersSent) sendOpenAIError(res, 500, 'server_error', `the box gateway failed: ${(error as Error)?.message ?? String(error)}`);
        else res.destroy();
      });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined); // a peer resetting mid-handshake is not our error
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== BOX_STREAM_PATH) return rejectUpgrade(socket, 404, `no websocket at ${url.pathname}; use ${BOX_STREAM_PATH}`);
    if (!isAuthorizedBearer(req.headers.authorization, config.token)) {
      return rejectUpgrade(socket, 401, 'missing or wrong box token (Authorization: Bearer <token>)');
    }
    ingest.handleUpgrade(req, socket, head);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await ingestThread.close();
    turnDb.close();
    db.close();
    throw error;
  }
  server.on('error', (error) => log('error', `http server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host;

  const pluginHandles: GatewayPluginHandle[] = [];
  let closed: Promise<void> | null = null;
  const gateway: Gateway = {
    url: `http://${urlHost}:${port}`,
    host: config.host,
    port,
    config,
    boxId,
    db,
    sampleLog,
    withdrawalLog,
    progressLog,
    turnLog,
    sglang,
    teacherSglang,
    policy,
    hooks,
    route: (method, path, handler, routeOptions) => router.add(method, path, handler, routeOptions),
    publishProgress: (event) => publishProgress({ progressLog, ingest, hooks }, event),
    connectedClients: () => ingest.connectedClients,
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await ingest.close();
        await ingestThread.close();
        await chatProxy.close();
        for (const handle of pluginHandles.reverse()) {
          try {
            await handle.close?.();
          } catch (error) {
            log('error', `plugin close failed: ${(error as Error).message}`);
          }
        }
        server.closeAllConnections();
        await stopped;
        turnDb.close();
        db.close();
      })();
      return closed;
    },
  };

  try {
    for (const plugin of options.plugins ?? []) {
      const handle = await plugin(gateway);
      if (handle) pluginHandles.push(handle);
    }
  } catch (error) {
    await gateway.close();
    throw error;
  }
  return gateway;
}

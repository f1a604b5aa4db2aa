import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BOX_PROTOCOL_VERSION,
  BOX_STREAM_PATH,
  ClientFrameSchema,
  type ProgressEvent,
  type ServerFrame,
  type SignalSample,
} from '../../../shared/protocol/box-stream';

/**
 * A small box for the sync tests: a real HTTP + ws server on 127.0.0.1 that speaks the box-stream
 * protocol (bearer auth on the upgrade, hello → welcome, progress replay after `progressAfter`,
 * sample → ack with dedupe by sample id) and lets a test misbehave on purpose (hold acks, drop the
 * link, send garbage, refuse to welcome).
 */

export interface ReceivedSample {
  connection: number;
  sample: SignalSample;
}

export interface StreamTestBoxOptions {
  token: string;
  /** 'auto' acks each sample as it arrives; 'manual' queues acks until releaseAcks(). */
  ackMode?: 'auto' | 'manual';
  policyVersion?: string | null;
  /** Sent in welcome; absent = a box too old to have an id. */
  boxId?: string;
  /** Close every new connection right after the upgrade with this code, before any welcome. */
  closeOnConnect?: { code: number; reason?: string } | null;
  /** Answer hello with `incompatible` and close 4426. */
  incompatible?: boolean;
  /** Replay every stored progress event, ignoring progressAfter (to test timeline idempotency). */
  replayIgnoringProgressAfter?: boolean;
  /** Sample ids to answer with `reject`. */
  rejectIds?: Set<string>;
  /** Sample ids whose store "fails" this many more times (answered with `retry`). */
  retryIds?: Map<string, number>;
  /** Take `samples` frames of up to this many samples (sent in welcome); absent = an older box. */
  maxSamplesPerFrame?: number;
  /** Sent in welcome as the box's frame limit. */
  maxFrameBytes?: number;
  /** false: take withdraw frames without answering (default true). */
  answerWithdrawals?: boolean;
}

export interface StreamTestBox {
  url: string;
  port: number;
  options: StreamTestBoxOptions;
  /** Every sample in arrival order (including resends), whether it came alone or in a batch. */
  received: ReceivedSample[];
  /** How many samples each frame carried, in arrival order (1 for a `sample` frame). */
  frameSizes: number[];
  /** The box's store: sample id → sample, each stored once. */
  stored: Map<string, SignalSample>;
  /** Every withdraw frame in arrival order (each is answered with `withdrawn` unless answerWithdrawals is false). */
  withdrawals: Array<{ connection: number; sampleId: string; personaId: string }>;
  hellos: Array<{ clientId: string; progressAfter: number; protocol: number }>;
  /** Close codes of client connections as they ended. */
  closes: Array<{ code: number; reason: string }>;
  connections: number;
  /** Rejected upgrade attempts (wrong or missing token). */
  unauthorizedAttempts: number;
  events: EventEmitter;
  releaseAcks(count?: number): number;
  pendingAcks(): number;
  publishProgress(event: Omit<ProgressEvent, 'seq' | 'at'> & { at?: number }): ProgressEvent;
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void;
  send(frame: ServerFrame): void;
  dropAll(): void;
  /** Ping every client and wait for the pongs: everything the clients sent before is then received. */
  roundTrip(): Promise<void>;
  waitFor(event: string, predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startStreamTestBox(options: StreamTestBoxOptions, port = 0): Promise<StreamTestBox> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const clients = new Set<WebSocket>();
  const progressLog: ProgressEvent[] = [];
  let manualAcks: ServerFrame[] = [];
  let pendingAckSockets: WebSocket[] = [];

  const box: StreamTestBox = {
    url: '',
    port: 0,
    options,
    received: [],
    frameSizes: [],
    stored: new Map(),
    withdrawals: [],
    hellos: [],
    closes: [],
    connections: 0,
    unauthorizedAttempts: 0,
    events,
    releaseAcks(count = Number.POSITIVE_INFINITY) {
      let sent = 0;
      while (sent < count && manualAcks.length > 0) {
        const frame = manualAcks.shift()!;
        const socket = pendingAckSockets.shift()!;
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
        sent += 1;
      }
      return sent;
    },
    pendingAcks: () => manualAcks.length,
    publishProgress(partial) {
      const event: ProgressEvent = { ...partial, seq: progressLog.length + 1, at: partial.at ?? Date.now() };
      progressLog.push(event);
      for (const client of clients) client.send(JSON.stringify({ type: 'progress', event } satisfies ServerFrame));
      return event;
    },
    sendRaw(data, sendOptions = {}) {
      for (const client of clients) client.send(data, { binary: sendOptions.binary ?? false });
    },
    send(frame) {
      for (const client of clients) client.send(JSON.stringify(frame));
    },
    dropAll() {
      manualAcks = [];
      pendingAckSockets = [];
      for (const client of clients) client.terminate();
    },
    async roundTrip() {
      await Promise.all(
        [...clients].map(
          (client) =>
            new Promise<void>((resolve) => {
              client.once('pong', () => resolve());
              client.once('close', () => resolve());
              client.ping();
            }),
        ),
      );
    },
    waitFor(event, predicate, timeoutMs = 20_000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off(event, check);
          reject(new Error(`test box: timed out waiting on '${event}'`));
        }, timeoutMs);
        const check = () => {
          if (!predicate()) return;
          clearTimeout(timer);
          events.off(event, check);
          resolve();
        };
        events.on(event, check);
      });
    },
    async close() {
      for (const client of clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://box').pathname;
    if (path !== BOX_STREAM_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      box.unauthorizedAttempts += 1;
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      events.emit('unauthorized');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws));
  });

  function onConnection(ws: WebSocket): void {
    box.connections += 1;
    const connection = box.connections;
    clients.add(ws);
    ws.on('close', (code, reason) => {
      clients.delete(ws);
      box.closes.push({ code, reason: reason.toString() });
      events.emit('close');
    });
    events.emit('connection');
    if (options.closeOnConnect) {
      ws.close(options.closeOnConnect.code, options.closeOnConnect.reason ?? '');
      return;
    }
    ws.on('message', (data) => {
      const parsed = ClientFrameSchema.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) {
        ws.send(JSON.stringify({ type: 'error', message: 'bad frame' } satisfies ServerFrame));
        return;
      }
      const frame = parsed.data;
      if (frame.type === 'hello') {
        box.hellos.push({ clientId: frame.clientId, progressAfter: frame.progressAfter, protocol: frame.protocol });
        if (options.incompatible || frame.protocol !== BOX_PROTOCOL_VERSION) {
          ws.send(
            JSON.stringify({ type: 'incompatible', supported: [BOX_PROTOCOL_VERSION + 1], message: 'test box speaks only v2' } satisfies ServerFrame),
          );
          ws.close(4426, 'incompatible protocol');
          return;
        }
        ws.send(
          JSON.stringify({
            type: 'welcome',
            protocol: BOX_PROTOCOL_VERSION,
            boxVersion: 'test-box',
            policyVersion: options.policyVersion ?? null,
            ...(options.boxId ? { boxId: options.boxId } : {}),
            ...(options.maxSamplesPerFrame ? { maxSamplesPerFrame: options.maxSamplesPerFrame } : {}),
            ...(options.maxFrameBytes ? { maxFrameBytes: options.maxFrameBytes } : {}),
          } satisfies ServerFrame),
        );
        const after = options.replayIgnoringProgressAfter ? 0 : frame.progressAfter;
        for (const event of progressLog) {
          if (event.seq > after) ws.send(JSON.stringify({ type: 'progress', event } satisfies ServerFrame));
        }
        events.emit('hello');
        return;
      }
      if (frame.type === 'withdraw') {
        box.withdrawals.push({ connection, sampleId: frame.sampleId, personaId: frame.personaId });
        if (options.answerWithdrawals !== false) ws.send(JSON.stringify({ type: 'withdrawn', sampleId: frame.sampleId } satisfies ServerFrame));
        events.emit('withdraw');
        return;
      }
      const samples = frame.type === 'samples' ? frame.samples : [frame.sample];
      box.frameSizes.push(samples.length);
      const replies: ServerFrame[] = [];
      const acks: { sampleId: string; duplicate: boolean }[] = [];
      for (const sample of samples) {
        box.received.push({ connection, sample });
        const retries = options.retryIds?.get(sample.sampleId) ?? 0;
        if (options.rejectIds?.has(sample.sampleId)) {
          replies.push({ type: 'reject', sampleId: sample.sampleId, error: 'test box refuses this sample' });
        } else if (retries > 0) {
          options.retryIds!.set(sample.sampleId, retries - 1);
          replies.push({ type: 'retry', sampleId: sample.sampleId, error: 'test box could not store it' });
        } else {
          const duplicate = box.stored.has(sample.sampleId);
          if (!duplicate) box.stored.set(sample.sampleId, sample);
          if (frame.type === 'samples') acks.push({ sampleId: sample.sampleId, duplicate });
          else replies.push({ type: 'ack', sampleId: sample.sampleId, duplicate });
        }
      }
      if (acks.length > 0) replies.push({ type: 'acks', acks });
      for (const reply of replies) {
        if ((options.ackMode ?? 'auto') === 'manual') {
          manualAcks.push(reply);
          pendingAckSockets.push(ws);
        } else {
          ws.send(JSON.stringify(reply));
        }
      }
      events.emit('sample');
    });
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  box.port = (server.address() as AddressInfo).port;
  box.url = `http://127.0.0.1:${box.port}`;
  return box;
}

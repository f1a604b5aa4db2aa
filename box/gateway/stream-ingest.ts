import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { IdSchema } from '../../shared/domain';
import {
  BOX_PROTOCOL_VERSION,
  CLOSE_BAD_FRAME,
  CLOSE_INCOMPATIBLE,
  ClientFrameSchema,
  type ServerFrame,
} from '../../shared/protocol/box-stream';
import type { GatewayHooks } from './gateway-hooks';
import type { PolicyState } from './policy-state';
import type { ProgressLog } from './progress-log';
import type { SampleLog } from './sample-log';
import type { WithdrawalLog } from './withdrawal-log';

export interface StreamIngestOptions {
  sampleLog: SampleLog;
  withdrawalLog: WithdrawalLog;
  progressLog: ProgressLog;
  policy: PolicyState;
  hooks: GatewayHooks;
  /** Sent in every welcome, so apps keep their progress cursor per box. */
  boxId: string;
  boxVersion: string;
  /** Frames larger than this are refused: the socket closes with 1009 (message too big). */
  maxFrameBytes: number;
  /** Ping interval; a peer that has not answered the previous ping by the next one is dropped. */
  heartbeatMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Peer {
  clientId: string | null;
  alive: boolean;
}

/** The protocols this box speaks (the `supported` list of an `incompatible` frame). */
export const SUPPORTED_PROTOCOLS = [BOX_PROTOCOL_VERSION];

/**
 * ws /v1/stream: the app says hello, gets a welcome and the progress it missed, then delivers
 * samples; each is acked only after its row is committed (dedupe by sample id), and every
 * connected app receives progress broadcasts. The caller has already checked the bearer token.
 */
export class StreamIngest {
  private readonly wss: WebSocketServer;
  private readonly peers = new Map<WebSocket, Peer>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: StreamIngestOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, clientTracking: false });
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get connectedClients(): number {
    return [...this.peers.values()].filter((p) => p.clientId !== null).length;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** Sends a frame to every app that has said hello. */
  broadcast(frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    for (const [ws, peer] of this.peers) {
      if (peer.clientId !== null && ws.readyState === ws.OPEN) ws.send(text);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    const closed = [...this.peers.keys()].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1001, 'box gateway shutting down');
          setTimeout(() => ws.terminate(), 2_000).unref();
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    const peer: Peer = { clientId: null, alive: true };
    this.peers.set(ws, peer);
    ws.on('pong', () => (peer.alive = true));
    ws.on('close', () => this.peers.delete(ws));
    ws.on('error', (error) => this.options.log('warn', `box stream socket error: ${error.message}`));
    ws.on('message', (data, isBinary) => {
      peer.alive = true;
      try {
        this.onFrame(ws, peer, data, isBinary);
      } catch (error) {
        // Never let one bad frame take the gateway down; tell the app what went wrong.
        this.options.log('error', `box stream: frame handling failed: ${(error as Error).stack ?? String(error)}`);
        this.send(ws, { type: 'error', message: `the box could not handle that frame: ${(error as Error).message}` });
      }
    });
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  private refuse(ws: WebSocket, code: number, frame: ServerFrame, reason: string): void {
    this.send(ws, frame);
    ws.close(code, reason);
  }

  private onFrame(ws: WebSocket, peer: Peer, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.send(ws, { type: 'error', message: 'binary frames are not part of the protocol; send JSON text frames' });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(rawText(data));
    } catch (error) {
      this.send(ws, { type: 'error', message: `frame is not valid JSON: ${(error as Error).message}` });
      return;
    }
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;

    if (peer.clientId === null) {
      if (type !== 'hello') {
        this.refuse(ws, CLOSE_BAD_FRAME, { type: 'error', message: 'the first frame must be hello' }, 'hello expected');
        return;
      }
      // Check the version before the shape: a newer client's hello may carry fields v1 does not know.
      const protocol = (raw as { protocol?: unknown }).protocol;
      if (typeof protocol === 'number' && !SUPPORTED_PROTOCOLS.includes(protocol)) {
        const message = `this box speaks protocol ${SUPPORTED_PROTOCOLS.join(', ')}; the app speaks ${protocol}. Update ${protocol > BOX_PROTOCOL_VERSION ? 'the box' : 'the app'}.`;
        this.refuse(ws, CLOSE_INCOMPATIBLE, { type: 'incompatible', supported: SUPPORTED_PROTOCOLS, message }, 'incompatible protocol');
        return;
      }
      const hello = ClientFrameSchema.safeParse(raw);
      if (!hello.success || hello.data.type !== 'hello') {
        const detail = hello.success ? 'not a hello' : z.prettifyError(hello.error);
        this.refuse(ws, CLOSE_BAD_FRAME, { type: 'error', message: `invalid hello: ${detail}` }, 'invalid hello');
        return;
      }
      this.greet(ws, peer, hello.data.clientId, hello.data.progressAfter);
      return;
    }

    if (type === 'hello') {
      this.send(ws, { type: 'error', message: 'hello was already received on this connection; ignored' });
      return;
    }
    const frame = ClientFrameSchema.safeParse(raw);
    if (!frame.success) {
      const sampleId = type === 'sample' ? IdSchema.safeParse((raw as { sample?: { sampleId?: unknown } }).sample?.sampleId) : null;
      const error = `invalid ${typeof type === 'string' ? `"${type.slice(0, 40)}"` : 'untyped'} frame: ${z.prettifyError(frame.error)}`;
      if (sampleId?.success) this.send(ws, { type: 'reject', sampleId: sampleId.data, error });
      else this.send(ws, { type: 'error', message: error });
      return;
    }
    if (frame.data.type === 'withdraw') {
      this.onWithdraw(ws, peer.clientId, frame.data);
      return;
    }
    if (frame.data.type !== 'sample') return;
    const sample = frame.data.sample;
    let duplicate: boolean;
    const receivedAt = Date.now();
    try {
      ({ duplicate } = this.options.sampleLog.store(sample, peer.clientId, receivedAt));
    } catch (error) {
      // Not stored, so no ack: ask the app to send it again (it stays in the app's outbox meanwhile).
      this.options.log('error', `could not store sample ${sample.sampleId}: ${(error as Error).message}`);
      this.send(ws, { type: 'retry', sampleId: sample.sampleId, error: `the box could not store it: ${(error as Error).message}` });
      return;
    }
    this.send(ws, { type: 'ack', sampleId: sample.sampleId, duplicate });
    if (!duplicate) this.options.hooks.emit('sampleStored', { sample, clientId: peer.clientId, receivedAt });
  }

  /** Recorded durably first, then answered; a repeat is answered again and changes nothing. */
  private onWithdraw(ws: WebSocket, clientId: string, frame: { sampleId: string; personaId: string; at: number }): void {
    const withdrawal = { sampleId: frame.sampleId, personaId: frame.personaId, clientId, at: frame.at };
    let duplicate: boolean;
    try {
      ({ duplicate } = this.options.withdrawalLog.record(withdrawal));
    } catch (error) {
      // Not recorded, so no answer: the app keeps it and sends it again on its next pump or connection.
      this.options.log('error', `could not record the withdrawal of ${frame.sampleId}: ${(error as Error).message}`);
      this.send(ws, { type: 'error', message: `the box could not record the withdrawal of ${frame.sampleId}: ${(error as Error).message}` });
      return;
    }
    this.send(ws, { type: 'withdrawn', sampleId: frame.sampleId });
    if (!duplicate) this.options.hooks.emit('sampleWithdrawn', withdrawal);
  }

  private greet(ws: WebSocket, peer: Peer, clientId: string, progressAfter: number): void {
    this.send(ws, {
      type: 'welcome',
      protocol: BOX_PROTOCOL_VERSION,
      boxVersion: this.options.boxVersion,
      policyVersion: this.options.policy.version,
      boxId: this.options.boxId,
    });
    // Replay and joining the broadcast happen in one synchronous run, so no event falls between.
    let after = progressAfter;
    for (;;) {
      const events = this.options.progressLog.listAfter(after, 1_000);
      for (const event of events) this.send(ws, { type: 'progress', event });
      if (events.length < 1_000) break;
      after = events.at(-1)!.seq;
    }
    peer.clientId = clientId;
  }

  private checkHeartbeats(): void {
    for (const [ws, peer] of this.peers) {
      if (!peer.alive) {
        this.options.log('info', `box stream: dropping ${peer.clientId ?? 'an unnamed client'} (no pong)`);
        this.peers.delete(ws);
        ws.terminate();
        continue;
      }
      peer.alive = false;
      ws.ping();
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

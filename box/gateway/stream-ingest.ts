import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import {
  BOX_PROTOCOL_VERSION,
  CLOSE_BAD_FRAME,
  CLOSE_INCOMPATIBLE,
  ClientFrameSchema,
  MAX_SAMPLES_PER_FRAME,
  type ServerFrame,
  type SignalSample,
} from '../../shared/protocol/box-stream';
import type { GatewayHooks } from './gateway-hooks';
import type { PolicyState } from './policy-state';
import type { ProgressLog } from './progress-log';
import type { GatewayHookEvents } from './gateway-hooks';
import type { StoredNote } from './ingest-frames';
import type { IngestResult, SampleIngestThread } from './sample-ingest-thread';
import type { SampleLog } from './sample-log';

export interface StreamIngestOptions {
  /** Parses and stores the frames apps send after hello, off this event loop. */
  ingest: SampleIngestThread;
  /** Where a large stored sample is read back from, if a hook listener asks for it. */
  sampleLog: SampleLog;
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
  /** Answers go out in the order their frames came in: each waits for the one before. */
  answered: Promise<void>;
}

/** A hello is a few hundred bytes; a first frame far bigger is not parsed on the event loop. */
const MAX_HELLO_BYTES = 64 * 1024;
/** Socket close code for "the box failed" (the app reconnects and sends again). */
const CLOSE_INTERNAL_ERROR = 1011;

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
    const peer: Peer = { clientId: null, alive: true, answered: Promise.resolve() };
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
    if (peer.clientId !== null) {
      this.afterHello(ws, peer, data, isBinary);
      return;
    }
    if (isBinary) {
      this.send(ws, { type: 'error', message: 'binary frames are not part of the protocol; send JSON text frames' });
      return;
    }
    const bytes = rawBytes(data);
    if (bytes.byteLength > MAX_HELLO_BYTES) {
      this.refuse(ws, CLOSE_BAD_FRAME, { type: 'error', message: 'the first frame must be hello (a small frame)' }, 'hello expected');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      this.send(ws, { type: 'error', message: `frame is not valid JSON: ${(error as Error).message}` });
      return;
    }
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
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
  }

  /**
   * Every frame after hello goes to the ingest worker as bytes: parsing a large sample here would
   * stall /health and chat for as long as it takes. Its answers (acks only after the commit) go out
   * in frame order, then the hooks hear of the samples stored for the first time.
   */
  private afterHello(ws: WebSocket, peer: Peer, data: RawData, isBinary: boolean): void {
    const clientId = peer.clientId!;
    const result: Promise<IngestResult> = isBinary
      ? Promise.resolve({
          ok: true,
          outcome: {
            id: 0,
            replies: [{ type: 'error', message: 'binary frames are not part of the protocol; send JSON text frames' }],
            stored: [],
            withdrawn: [],
          },
        })
      : this.options.ingest.submit(rawBytes(data), clientId, Date.now());
    peer.answered = peer.answered.then(async () => this.answer(ws, await result));
  }

  private answer(ws: WebSocket, result: IngestResult): void {
    if (!result.ok) {
      // Nothing of this frame was stored or acked: the app reconnects and sends it again.
      this.options.log('error', `box stream: a frame was not stored: ${result.error}`);
      if (ws.readyState === ws.OPEN) ws.close(CLOSE_INTERNAL_ERROR, 'the box could not store the samples; send them again');
      return;
    }
    for (const reply of result.outcome.replies) this.send(ws, reply);
    for (const note of result.outcome.stored) this.options.hooks.emit('sampleStored', this.storedEvent(note));
    for (const withdrawal of result.outcome.withdrawn) this.options.hooks.emit('sampleWithdrawn', withdrawal);
  }

  private storedEvent(note: StoredNote): GatewayHookEvents['sampleStored'] {
    const { sampleLog } = this.options;
    let sample: SignalSample | null = null;
    return {
      get sample() {
        // Read (and parsed) only for a listener that wants the body.
        sample ??= sampleLog.get(note.sampleId)!.sample;
        return sample;
      },
      sampleId: note.sampleId,
      personaId: note.personaId,
      turnId: note.turnId,
      supersedes: note.supersedes,
      clientId: note.clientId,
      receivedAt: note.receivedAt,
      bodyChars: note.bodyChars,
    };
  }

  private greet(ws: WebSocket, peer: Peer, clientId: string, progressAfter: number): void {
    this.send(ws, {
      type: 'welcome',
      protocol: BOX_PROTOCOL_VERSION,
      boxVersion: this.options.boxVersion,
      policyVersion: this.options.policy.version,
      boxId: this.options.boxId,
      maxSamplesPerFrame: MAX_SAMPLES_PER_FRAME,
      maxFrameBytes: this.options.maxFrameBytes,
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

function rawBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

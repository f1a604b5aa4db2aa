import WebSocket from 'ws';
import type { BoxConnectionState, BoxStatus, TimelineEvent } from '../../shared/domain';
import {
  BOX_PROTOCOL_VERSION,
  CLOSE_INCOMPATIBLE,
  CLOSE_UNAUTHORIZED,
  ServerFrameSchema,
  type ClientFrame,
  type ProgressEvent,
  type ServerFrame,
} from '../../shared/protocol/box-stream';
import { openDatabase, type Db } from '../store/open-database';
import { OutboxRepository, type OutboxSend } from '../store/outbox-repository';
import { SignalRepository } from '../store/signal-repository';
import { TimelineRepository } from '../store/timeline-repository';
import { WithdrawalRepository } from '../store/withdrawal-repository';
import { applyProgressToSignals } from './apply-progress-to-signals';
import { boxStreamUrl } from './box-stream-url';
import { progressTimelineEvent } from './progress-timeline-event';
import { DEFAULT_BACKOFF, ReconnectBackoff, type BackoffOptions } from './reconnect-backoff';
import { SyncStateRepository } from './sync-state-repository';
import type { FromWorker, SyncConfig } from './types';
import { describeZodError } from './worker-message-schemas';

export interface BoxSyncLinkOptions {
  post(message: FromWorker): void;
  backoff?: BackoffOptions;
  /** A wrong token will not fix itself quickly: retry slowly. */
  unauthorizedRetryMs?: number;
  /** Neither will a protocol mismatch (until someone updates one side). */
  incompatibleRetryMs?: number;
  /** Samples sent but not yet acknowledged, at most (to a box that takes one sample per frame). */
  windowSize?: number;
  /** The same for a box that takes batches (`samples` frames): several frames stay in flight. */
  batchWindowSize?: number;
  /** Samples per `samples` frame, at most (the box's own limit may be lower). */
  maxBatchSamples?: number;
  /** From socket open to `welcome`. */
  welcomeTimeoutMs?: number;
  /** With samples in flight and no ack or reject for this long, the link is presumed stuck and recycled. */
  ackTimeoutMs?: number;
  /** A sample the box could not store (a `retry` frame) goes out again after this pause. */
  storeRetryMs?: number;
  /** ws ping interval; a peer that misses a whole interval is dropped. */
  heartbeatMs?: number;
  /**
   * New outbox rows while disconnected retry at once instead of waiting out the backoff, but at most
   * this often, so a burst of signals against a dead box does not become a burst of dials.
   */
  nudgeRetryMinMs?: number;
}

interface LinkFailure {
  state: BoxConnectionState;
  detail: string;
}

/** Everything that belongs to one ws connection; a new connection starts clean. */
interface Connection {
  ws: WebSocket;
  welcomed: boolean;
  /** The box whose cursor the hello sent, and that cursor. */
  helloBoxId: string | null;
  helloProgressAfter: number;
  /** The box that welcomed us (null: one too old to say); its cursor and timeline ids apply. */
  boxId: string | null;
  /** Samples per frame this connection sends: 1 unless the box said it takes batches. */
  batch: number;
  /** The box's frame limit (what it said, or the protocol's default). */
  maxFrameBytes: number;
  /** Every pending row up to this seq went out on this connection: the next pump reads after it… */
  sentThroughSeq: number;
  /** …unless rows behind it may be pending again (a released held row, a resend, a failed pump). */
  rescan: boolean;
  /** Samples sent on this connection and not yet acked or rejected: sampleId → outbox seq (the ack settles it by seq). */
  inflight: Map<string, number>;
  /** Samples the box asked us to send again, each waiting out its pause (sampleId → timer). */
  resendTimers: Map<string, NodeJS.Timeout>;
  /** Withdrawals sent on this connection and not yet answered (each goes out once per connection). */
  withdrawalsSent: Set<string>;
  /** A pump that hit a store error (e.g. SQLITE_BUSY) runs again when this fires. */
  pumpRetryTimer: NodeJS.Timeout | null;
  failure: LinkFailure | null;
  lastError: string | null;
  alive: boolean;
  welcomeTimer: NodeJS.Timeout | null;
  ackTimer: NodeJS.Timeout | null;
  heartbeatTimer: NodeJS.Timeout | null;
}

const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Room left in a batch frame for its envelope ({"type":"samples","samples":[…]}) and commas. */
const FRAME_ENVELOPE_BYTES = 64;
const DATABASE_RETRY_MS = 5_000;
/** After a store error while sending (the database stayed locked past its busy timeout). */
const PUMP_RETRY_MS = 1_000;

/**
 * Keeps one app's outbox flowing to its box over the ws sample stream: hello → welcome, then pending
 * outbox rows in seq order through a bounded window, each marked acked only when the box acks it (the
 * box acks after its own durable write). Any disconnect starts over: reconnect with backoff and resend
 * every unacked row; sample ids make the resends harmless. Progress frames become timeline events.
 * Runs inside the sync worker; it is a plain class so tests can also drive it in-process.
 */
export class BoxSyncLink {
  private config: SyncConfig | null = null;
  private db: Db | null = null;
  private outbox: OutboxRepository | null = null;
  private timeline: TimelineRepository | null = null;
  private syncState: SyncStateRepository | null = null;
  private signals: SignalRepository | null = null;
  private withdrawals: WithdrawalRepository | null = null;

  private connection: Connection | null = null;
  private state: BoxConnectionState = 'unconfigured';
  private detail = 'No box is configured yet. Add its address and token in Settings.';
  private retryInMs: number | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private policyVersion: string | null = null;
  /** The box last welcomed (persisted): the next hello sends its cursor. */
  private boxId: string | null = null;
  private stopped = false;
  private lastConnectAt = Number.NEGATIVE_INFINITY;

  private pumpScheduled = false;
  /** Acks received and not yet written (the next pump writes them). */
  private readonly ackQueue: QueuedAck[] = [];
  private statusScheduled = false;
  private lastPostedStatus = '';

  private readonly backoff: ReconnectBackoff;
  private readonly windowSize: number;
  private readonly batchWindowSize: number;
  private readonly maxBatchSamples: number;
  private readonly unauthorizedRetryMs: number;
  private readonly incompatibleRetryMs: number;
  private readonly welcomeTimeoutMs: number;
  private readonly ackTimeoutMs: number;
  private readonly storeRetryMs: number;
  private readonly heartbeatMs: number;
  private readonly nudgeRetryMinMs: number;

  constructor(private readonly options: BoxSyncLinkOptions) {
    this.backoff = new ReconnectBackoff(options.backoff ?? DEFAULT_BACKOFF);
    this.windowSize = options.windowSize ?? 32;
    this.batchWindowSize = options.batchWindowSize ?? 512;
    this.maxBatchSamples = options.maxBatchSamples ?? 64;
    this.unauthorizedRetryMs = options.unauthorizedRetryMs ?? 60_000;
    this.incompatibleRetryMs = options.incompatibleRetryMs ?? 5 * 60_000;
    this.welcomeTimeoutMs = options.welcomeTimeoutMs ?? 15_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 60_000;
    this.storeRetryMs = options.storeRetryMs ?? 2_000;
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
    this.nudgeRetryMinMs = options.nudgeRetryMinMs ?? 5_000;
  }

  /** (Re)points the link at a database and a box; always starts a fresh connection. */
  configure(config: SyncConfig): void {
    if (this.stopped) return;
    this.dropConnection();
    this.clearRetry();
    this.backoff.reset();
    if (!this.config || this.config.dbFile !== config.dbFile || !this.db) {
      this.flushAcks();
      this.closeDatabase();
      try {
        this.openStore(config.dbFile);
      } catch (error) {
        // E.g. the file is briefly locked while main migrates it: try again later, nothing is lost.
        this.config = config;
        this.log('error', `cannot open the app database ${config.dbFile}: ${messageOf(error)}`);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.configure(config);
        }, DATABASE_RETRY_MS);
        this.setState('disconnected', `Cannot open the app database: ${messageOf(error)}`, DATABASE_RETRY_MS);
        return;
      }
    }
    this.config = config;
    this.connect();
  }

  /** New outbox rows (or released held rows): send them now, or reconnect now if we are waiting. */
  nudge(): void {
    if (this.stopped) return;
    // A released held row sits behind what was sent already.
    if (this.connection) this.connection.rescan = true;
    if (this.connection?.welcomed) this.schedulePump();
    else if (
      this.state === 'disconnected' &&
      this.retryTimer &&
      Date.now() - this.lastConnectAt >= this.nudgeRetryMinMs
    ) {
      this.connect();
    }
    this.scheduleStatus();
  }

  /** Closes the link cleanly (close code 1000) and releases the database. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.flushAcks();
    this.stopped = true;
    this.clearRetry();
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      clearConnectionTimers(connection);
      await closeGracefully(connection.ws, 2_000);
    }
    this.closeDatabase();
  }

  /** The status as it stands now (also what the last 'status' message said, once posted). */
  status(): BoxStatus {
    const counts = this.outbox?.counts() ?? { held: 0, pending: 0, acked: 0, rejected: 0 };
    return {
      state: this.state,
      url: this.config?.boxUrl ?? '',
      detail: this.detail,
      pending: counts.pending,
      held: counts.held,
      acked: counts.acked,
      lastAckAt: this.outbox?.lastAckAt() ?? null,
      policyVersion: this.policyVersion,
      retryInMs: this.retryInMs,
    };
  }

  private openStore(dbFile: string): void {
    const db = openDatabase(dbFile);
    this.db = db;
    this.outbox = new OutboxRepository(db);
    this.timeline = new TimelineRepository(db);
    this.syncState = new SyncStateRepository(db);
    this.signals = new SignalRepository(db);
    this.withdrawals = new WithdrawalRepository(db);
    this.boxId = this.syncState.currentBoxId();
    this.policyVersion = this.syncState.policyVersion(this.boxId);
  }

  private closeDatabase(): void {
    this.db?.close();
    this.db = null;
    this.outbox = null;
    this.timeline = null;
    this.syncState = null;
    this.signals = null;
    this.withdrawals = null;
  }

  private connect(): void {
    this.clearRetry();
    this.dropConnection();
    if (this.stopped || !this.config || !this.syncState) return;
    this.lastConnectAt = Date.now();
    const { boxUrl, token } = this.config;
    if (!boxUrl.trim()) {
      this.setState('unconfigured', 'No box is configured yet. Add its address and token in Settings.', null);
      return;
    }
    let url: string;
    try {
      url = boxStreamUrl(boxUrl);
    } catch (error) {
      this.setState('unconfigured', messageOf(error), null);
      return;
    }
    if (!token) {
      this.setState('unauthorized', 'No box token is set. Paste the token the box printed into Settings.', null);
      return;
    }

    const ws = new WebSocket(url, {
      headers: { Authorization: `Bearer ${token}` },
      handshakeTimeout: this.welcomeTimeoutMs,
      maxPayload: MAX_FRAME_BYTES,
    });
    const connection: Connection = {
      ws,
      welcomed: false,
      helloBoxId: null,
      helloProgressAfter: 0,
      boxId: null,
      batch: 1,
      maxFrameBytes: MAX_FRAME_BYTES,
      sentThroughSeq: 0,
      rescan: true,
      inflight: new Map(),
      resendTimers: new Map(),
      withdrawalsSent: new Set(),
      pumpRetryTimer: null,
      failure: null,
      lastError: null,
      alive: true,
      welcomeTimer: null,
      ackTimer: null,
      heartbeatTimer: null,
    };
    this.connection = connection;
    this.setState('connecting', `Connecting to ${boxUrl}…`, null);

    ws.on('unexpected-response', (_request, response) => {
      connection.failure =
        response.statusCode === 401
          ? unauthorizedFailure()
          : { state: 'disconnected', detail: `The box answered HTTP ${response.statusCode} instead of opening the stream.` };
      response.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      if (this.connection !== connection) return;
      let hello: ClientFrame;
      try {
        connection.helloBoxId = this.boxId;
        connection.helloProgressAfter = this.syncState!.progressAfter(this.boxId);
        hello = {
          type: 'hello',
          protocol: BOX_PROTOCOL_VERSION,
          clientId: this.syncState!.clientId(),
          progressAfter: connection.helloProgressAfter,
        };
      } catch (error) {
        connection.lastError = `cannot read the sync state: ${messageOf(error)}`;
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(hello));
      connection.welcomeTimer = setTimeout(() => {
        connection.lastError = `the box did not answer hello within ${Math.round(this.welcomeTimeoutMs / 1000)} s`;
        ws.terminate();
      }, this.welcomeTimeoutMs);
    });
    ws.on('message', (data, isBinary) => {
      if (this.connection !== connection) return;
      this.onFrame(connection, data, isBinary);
    });
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('error', (error) => {
      connection.lastError ??= messageOf(error);
    });
    ws.on('close', (code, reason) => this.onClosed(connection, code, reason.toString('utf8')));
  }

  private onClosed(connection: Connection, code: number, reason: string): void {
    clearConnectionTimers(connection);
    if (this.connection !== connection || this.stopped) return;
    this.connection = null;

    let failure = connection.failure;
    if (!failure && code === CLOSE_UNAUTHORIZED) failure = unauthorizedFailure();
    if (!failure && code === CLOSE_INCOMPATIBLE) {
      failure = { state: 'incompatible', detail: `The box does not speak this app's protocol${reason ? `: ${reason}` : '.'}` };
    }
    const why =
      connection.lastError ?? (reason ? `closed by the box (${code}: ${reason})` : `connection closed (code ${code})`);
    failure ??= {
      state: 'disconnected',
      detail: connection.welcomed ? `Lost the connection to the box: ${why}.` : `Cannot reach the box: ${why}.`,
    };

    const delay =
      failure.state === 'unauthorized'
        ? this.unauthorizedRetryMs
        : failure.state === 'incompatible'
          ? this.incompatibleRetryMs
          : this.backoff.next();
    if (failure.state === 'disconnected') {
      this.log('warn', `${failure.detail} Retrying in ${formatSeconds(delay)}.`);
    } else {
      this.log('warn', failure.detail);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    this.setState(failure.state, `${failure.detail} Retrying in ${formatSeconds(delay)}.`, delay);
  }

  private onFrame(connection: Connection, data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.log('warn', 'ignored a binary frame from the box');
      return;
    }
    const text = rawToString(data);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.log('warn', `ignored a frame from the box that is not JSON: ${truncate(text, 120)}`);
      return;
    }
    const parsed = ServerFrameSchema.safeParse(json);
    if (!parsed.success) {
      this.log('warn', `ignored an invalid frame from the box (${describeZodError(parsed.error)}): ${truncate(text, 120)}`);
      return;
    }
    try {
      this.onServerFrame(connection, parsed.data);
    } catch (error) {
      // A store error (e.g. a long lock) must not take the link down: the row stays pending, and
      // once out of flight the next pump resends it (the box dedupes).
      this.log('error', `could not apply a ${parsed.data.type} frame: ${messageOf(error)}`);
      this.retryPumpLater(connection);
    }
  }

  private onServerFrame(connection: Connection, frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.onWelcome(connection, frame);
        return;
      case 'ack':
        this.onAcks(connection, [frame]);
        return;
      case 'acks':
        this.onAcks(connection, frame.acks);
        return;
      case 'reject':
        this.onReject(connection, frame.sampleId, frame.error);
        return;
      case 'retry':
        this.onRetry(connection, frame.sampleId, frame.error);
        return;
      case 'withdrawn':
        connection.withdrawalsSent.delete(frame.sampleId);
        this.withdrawals!.markAnswered(frame.sampleId);
        return;
      case 'progress':
        this.onProgress(connection, frame.event);
        return;
      case 'incompatible':
        connection.failure = {
          state: 'incompatible',
          detail: `The box speaks protocol ${frame.supported.join(', ') || 'none'}, this app speaks ${BOX_PROTOCOL_VERSION}: ${frame.message}. Update the older side.`,
        };
        connection.ws.close(1000);
        return;
      case 'error':
        this.log('warn', `the box reported: ${frame.message}`);
        return;
    }
  }

  private onWelcome(connection: Connection, frame: Extract<ServerFrame, { type: 'welcome' }>): void {
    if (connection.welcomed) {
      this.log('warn', 'ignored a second welcome from the box');
      return;
    }
    if (frame.protocol !== BOX_PROTOCOL_VERSION) {
      connection.failure = {
        state: 'incompatible',
        detail: `The box welcomed protocol ${frame.protocol}, this app speaks ${BOX_PROTOCOL_VERSION}. Update the older side.`,
      };
      connection.ws.close(1000);
      return;
    }
    const boxId = frame.boxId ?? null;
    if (boxId !== connection.helloBoxId && !this.switchBox(connection, boxId)) return;
    connection.welcomed = true;
    connection.boxId = boxId;
    connection.batch = Math.max(1, Math.min(frame.maxSamplesPerFrame ?? 1, this.maxBatchSamples));
    connection.maxFrameBytes = frame.maxFrameBytes ?? MAX_FRAME_BYTES;
    if (connection.welcomeTimer) clearTimeout(connection.welcomeTimer);
    connection.welcomeTimer = null;
    this.backoff.reset();
    if (frame.policyVersion !== null && frame.policyVersion !== this.policyVersion) {
      this.policyVersion = frame.policyVersion;
      this.syncState?.setPolicyVersion(boxId, frame.policyVersion);
    }
    connection.heartbeatTimer = setInterval(() => {
      if (!connection.alive) {
        connection.lastError = 'the box stopped answering pings';
        connection.ws.terminate();
        return;
      }
      connection.alive = false;
      connection.ws.ping();
    }, this.heartbeatMs);
    this.setState('connected', this.connectedDetail(frame.boxVersion), null);
    this.pump();
  }

  /**
   * Another box answers at this address than the one whose cursor the hello sent (the user switched
   * boxes, or the box's data was reset and its seqs start over). Its own cursor and policy version
   * apply from now on; if the replay the box is about to send started from the wrong cursor, ask
   * again at once. Returns true when this connection can go on.
   */
  private switchBox(connection: Connection, boxId: string | null): boolean {
    const syncState = this.syncState!;
    let cursor: number;
    try {
      syncState.useBox(boxId);
      cursor = syncState.progressAfter(boxId);
    } catch (error) {
      connection.lastError = `cannot record which box this is: ${messageOf(error)}`;
      connection.ws.terminate();
      return false;
    }
    this.boxId = boxId;
    this.policyVersion = syncState.policyVersion(boxId);
    if (cursor === connection.helloProgressAfter) return true;
    this.log(
      'info',
      `${boxId === null ? 'a box without an id' : `box ${boxId}`} answers at ${this.config?.boxUrl ?? 'this address'} now; asking it for its progress after seq ${cursor}.`,
    );
    this.connect();
    return false;
  }

  private connectedDetail(boxVersion?: string): string {
    return `Connected to the box${boxVersion ? ` (gateway ${boxVersion})` : ''}.`;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // Acks usually arrive in bursts; one pump after the burst refills the window in one query.
    setImmediate(() => {
      this.pumpScheduled = false;
      // Nothing above this frame catches: an error here would end the worker.
      try {
        this.pump();
      } catch (error) {
        this.log('error', `sending samples failed: ${messageOf(error)}`);
        if (this.connection) this.retryPumpLater(this.connection);
      }
    });
  }

  /** Writes acks still queued (before the database closes); what cannot be written is resent and acked again later. */
  private flushAcks(): void {
    if (this.ackQueue.length === 0 || !this.db) return;
    const connection = this.connection;
    this.connection = null;
    try {
      this.pump();
    } catch (error) {
      this.log('warn', `could not write ${this.ackQueue.length} ack(s) before closing: ${messageOf(error)}`);
    } finally {
      this.connection = connection;
    }
  }

  /** Pumps again after a pause: the store was busy or failed, and no ack may come to trigger it. */
  private retryPumpLater(connection: Connection): void {
    if (connection.pumpRetryTimer) return;
    connection.rescan = true;
    connection.pumpRetryTimer = setTimeout(() => {
      connection.pumpRetryTimer = null;
      if (this.connection === connection) this.schedulePump();
    }, PUMP_RETRY_MS);
  }

  /**
   * Fills the in-flight window with the lowest-seq pending rows not already sent on this connection:
   * one transaction records them all as sent, then they go out in frames of `connection.batch`
   * samples (each frame within the box's size limit).
   */
  private pump(): void {
    const connection = this.connection;
    if (!this.outbox || !this.timeline) return;
    const usable = connection?.welcomed === true && connection.ws.readyState === WebSocket.OPEN;
    const window = connection && connection.batch > 1 ? this.batchWindowSize : this.windowSize;
    const room = usable ? window - connection!.inflight.size : 0;
    const acks = this.ackQueue.splice(0);
    if (acks.length === 0 && room <= 0) return;
    let work: { acked: { personaIds: Set<string>; unknown: string[] }; rows: OutboxSend[]; recorded: { sendable: SizedSend[]; events: TimelineEvent[]; personaIds: Set<string> } };
    try {
      // The acks that came since the last pump and the rows that refill the window: one transaction.
      work = this.db!.transaction(() => {
        const acked = this.settleAcks(acks);
        let rows: OutboxSend[] = [];
        if (room > 0) {
          // Usually from the last row sent; from the start when rows behind it may be pending again.
          // Rows in flight or waiting out a resend pause are passed over without being read.
          const from = connection!.rescan ? 0 : connection!.sentThroughSeq;
          rows = this.outbox!.nextPendingToSend(room, from, (id) => connection!.inflight.has(id) || connection!.resendTimers.has(id));
        }
        return { acked, rows, recorded: this.recordSent(rows, connection?.maxFrameBytes ?? MAX_FRAME_BYTES) };
      })();
    } catch (error) {
      // E.g. SQLITE_BUSY past the busy timeout. Nothing was sent and no ack is forgotten: all of it waits, in order.
      this.ackQueue.unshift(...acks);
      this.log('error', `cannot mark samples as sent or acked (${messageOf(error)}); trying again in ${formatSeconds(PUMP_RETRY_MS)}`);
      if (connection) this.retryPumpLater(connection);
      return;
    }
    for (const sampleId of work.acked.unknown) this.log('warn', `the box acked an unknown sample ${truncate(sampleId, 80)}`);
    if (connection && work.rows.length > 0) {
      connection.rescan = false;
      connection.sentThroughSeq = Math.max(connection.sentThroughSeq, work.rows.at(-1)!.seq);
      for (const frame of framesOf(work.recorded.sendable, connection.batch, connection.maxFrameBytes)) {
        connection.ws.send(frame.text);
        for (const row of frame.rows) connection.inflight.set(row.sampleId, row.seq);
      }
      for (const event of work.recorded.events) this.postTimeline(event);
      if (work.recorded.sendable.length > 0) this.armAckTimer(connection, false);
    } else if (connection && room > 0) {
      connection.rescan = false;
    }
    const moved = new Set([...work.acked.personaIds, ...work.recorded.personaIds]);
    if (moved.size > 0) this.options.post({ type: 'delivery', personaIds: [...moved] });
    if (connection && usable) this.sendWithdrawals(connection);
    this.scheduleStatus();
  }

  /** Tells the box about removed signals it has not answered for yet (once per connection each). */
  private sendWithdrawals(connection: Connection): void {
    let pending;
    try {
      pending = this.withdrawals!.pending();
    } catch (error) {
      this.log('error', `cannot read the removed signals to withdraw (${messageOf(error)}); trying again in ${formatSeconds(PUMP_RETRY_MS)}`);
      this.retryPumpLater(connection);
      return;
    }
    for (const withdrawal of pending) {
      if (connection.withdrawalsSent.has(withdrawal.sampleId)) continue;
      const frame: ClientFrame = { type: 'withdraw', sampleId: withdrawal.sampleId, personaId: withdrawal.personaId, at: withdrawal.createdAt };
      connection.ws.send(JSON.stringify(frame));
      connection.withdrawalsSent.add(withdrawal.sampleId);
    }
  }

  /**
   * Counts the send attempt of each row (inside the pump's transaction) and names the personas whose
   * rows went out for the first time. A sample too big for any frame the box accepts is rejected here,
   * with the reason, instead of closing the stream again and again.
   */
  private recordSent(
    rows: readonly OutboxSend[],
    maxFrameBytes: number,
  ): { sendable: SizedSend[]; events: TimelineEvent[]; personaIds: Set<string> } {
    const sendable: SizedSend[] = [];
    const events: TimelineEvent[] = [];
    const sent: number[] = [];
    for (const row of rows) {
      const bytes = Buffer.byteLength(row.sampleJson);
      if (bytes + FRAME_ENVELOPE_BYTES > maxFrameBytes) {
        const error = `the sample is ${formatBytes(bytes)}, more than the ${formatBytes(maxFrameBytes)} the box accepts in one frame`;
        const settled = this.outbox!.reject(row.sampleId, error);
        this.log('warn', `not sending sample ${row.sampleId}: ${error}`);
        if (settled && settled !== 'settled') {
          const event = this.timeline!.append(rejectedEvent(row.sampleId, settled.personaId, settled.turnId, error));
          if (event) events.push(event);
        }
        continue;
      }
      sendable.push({ ...row, bytes });
      sent.push(row.seq);
    }
    return { sendable, events, personaIds: this.outbox!.markSent(sent) };
  }

  /**
   * Acks (one, or a batch's) free their window slots now; the rows are marked acked by the next pump,
   * in the transaction that also refills the window.
   */
  private onAcks(connection: Connection, acks: readonly { sampleId: string }[]): void {
    for (const { sampleId } of acks) {
      this.ackQueue.push({ sampleId, sentSeq: connection.inflight.get(sampleId) ?? null });
      connection.inflight.delete(sampleId);
    }
    this.armAckTimer(connection, true);
    this.schedulePump();
    this.scheduleStatus();
  }

  /**
   * Marks acked rows acked (inside the caller's transaction); names the personas whose rows this
   * settled, and the acks for rows never had.
   */
  private settleAcks(acks: readonly QueuedAck[]): { personaIds: Set<string>; unknown: string[] } {
    const unknown: string[] = [];
    const personaIds = this.outbox!.acknowledgeSent(acks.flatMap((ack) => (ack.sentSeq === null ? [] : [ack.sentSeq])));
    for (const { sampleId, sentSeq } of acks) {
      if (sentSeq !== null) continue;
      const settled = this.outbox!.acknowledge(sampleId);
      // An ack for a row we never had is the box's mistake; one for a row already settled is a harmless repeat.
      if (settled === null) unknown.push(sampleId);
      else if (settled !== 'settled') personaIds.add(settled.personaId);
    }
    return { personaIds, unknown };
  }

  private onReject(connection: Connection, sampleId: string, error: string): void {
    connection.inflight.delete(sampleId);
    const outcome = this.db!.transaction(() => {
      const settled = this.outbox!.reject(sampleId, error);
      if (!settled || settled === 'settled') return { settled, event: null };
      return { settled, event: this.timeline!.append(rejectedEvent(sampleId, settled.personaId, settled.turnId, `The box refused this sample: ${truncate(error, 300)}`, error)) };
    })();
    if (outcome.settled === null) this.log('warn', `the box rejected an unknown sample ${truncate(sampleId, 80)}`);
    else this.log('warn', `the box rejected sample ${sampleId}: ${truncate(error, 300)}`);
    if (outcome.event) this.postTimeline(outcome.event);
    this.armAckTimer(connection, true);
    this.schedulePump();
    this.scheduleStatus();
  }

  /**
   * The box could not store the sample now: it is no longer in flight, the outbox row remembers why,
   * and it goes out again after a pause (later rows may overtake it; the box dedupes by id).
   */
  private onRetry(connection: Connection, sampleId: string, error: string): void {
    const wasInflight = connection.inflight.delete(sampleId);
    this.armAckTimer(connection, true);
    if (!wasInflight) {
      this.log('warn', `the box asked to resend a sample not in flight: ${truncate(sampleId, 80)}`);
      return;
    }
    try {
      this.outbox!.recordError(sampleId, error);
    } catch (storeError) {
      this.log('error', `cannot record the error of sample ${sampleId}: ${messageOf(storeError)}`);
    }
    this.log('warn', `the box could not store sample ${sampleId} (${truncate(error, 300)}); sending it again in ${formatSeconds(this.storeRetryMs)}`);
    const timer = setTimeout(() => {
      connection.resendTimers.delete(sampleId);
      connection.rescan = true;
      if (this.connection === connection) this.schedulePump();
    }, this.storeRetryMs);
    connection.resendTimers.set(sampleId, timer);
    this.schedulePump();
  }

  private onProgress(connection: Connection, progress: ProgressEvent): void {
    if (!connection.welcomed) {
      this.log('warn', 'ignored progress from the box before its welcome');
      return;
    }
    const syncState = this.syncState!;
    const boxId = connection.boxId;
    const result = this.db!.transaction(() => {
      const seenBefore = progress.seq <= syncState.progressAfter(boxId);
      const event = this.timeline!.append(progressTimelineEvent(progress, boxId));
      if (!seenBefore) applyProgressToSignals(this.signals!, progress);
      // Persisted after (and atomically with) the timeline write: a crash in between replays it.
      syncState.advanceProgressAfter(boxId, progress.seq);
      let policyChanged = false;
      if (!seenBefore && progress.kind === 'policy_version' && progress.policyVersion !== null) {
        policyChanged = progress.policyVersion !== this.policyVersion;
        syncState.setPolicyVersion(boxId, progress.policyVersion);
      }
      return { event, policyChanged };
    })();
    if (result.policyChanged) this.policyVersion = progress.policyVersion;
    if (result.event) this.postTimeline(result.event);
    this.scheduleStatus();
  }

  /**
   * Watches for a box that takes samples but never answers. `progress` (an ack or reject arrived)
   * restarts the wait; with nothing in flight there is nothing to wait for.
   */
  private armAckTimer(connection: Connection, progress: boolean): void {
    if (connection.inflight.size === 0) {
      if (connection.ackTimer) clearTimeout(connection.ackTimer);
      connection.ackTimer = null;
      return;
    }
    if (connection.ackTimer && !progress) return;
    if (connection.ackTimer) clearTimeout(connection.ackTimer);
    connection.ackTimer = setTimeout(() => {
      connection.lastError = `no acknowledgement for ${formatSeconds(this.ackTimeoutMs)}`;
      connection.ws.terminate();
    }, this.ackTimeoutMs);
  }

  private dropConnection(): void {
    const connection = this.connection;
    if (!connection) return;
    this.connection = null;
    clearConnectionTimers(connection);
    if (connection.ws.readyState === WebSocket.OPEN) connection.ws.close(1000, 'reconfigured');
    else connection.ws.terminate();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setState(state: BoxConnectionState, detail: string, retryInMs: number | null): void {
    this.state = state;
    this.detail = detail;
    this.retryInMs = retryInMs;
    this.postStatus();
  }

  private scheduleStatus(): void {
    if (this.statusScheduled) return;
    this.statusScheduled = true;
    setImmediate(() => {
      this.statusScheduled = false;
      if (!this.stopped) this.postStatus();
    });
  }

  /** Posts the status when anything in it changed since the last post. */
  private postStatus(): void {
    let status: BoxStatus;
    try {
      status = this.status();
    } catch (error) {
      this.log('error', `cannot read the outbox counts: ${messageOf(error)}`);
      return;
    }
    const key = JSON.stringify(status);
    if (key === this.lastPostedStatus) return;
    this.lastPostedStatus = key;
    this.options.post({ type: 'status', status });
  }

  private postTimeline(event: TimelineEvent): void {
    this.options.post({ type: 'timeline', event });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.post({ type: 'log', level, message });
  }
}

type SizedSend = OutboxSend & { bytes: number };

interface QueuedAck {
  sampleId: string;
  /** Known when this connection sent it: the row is then settled by its seq. */
  sentSeq: number | null;
}

/** Groups rows into frames: `batch` samples at most (1: the single-sample frame), within the size limit. */
function framesOf(rows: readonly SizedSend[], batch: number, maxFrameBytes: number): { text: string; rows: SizedSend[] }[] {
  if (batch <= 1) return rows.map((row) => ({ text: `{"type":"sample","sample":${row.sampleJson}}`, rows: [row] }));
  const frames: { text: string; rows: SizedSend[] }[] = [];
  let current: SizedSend[] = [];
  let bytes = FRAME_ENVELOPE_BYTES;
  const flush = () => {
    if (current.length === 0) return;
    frames.push({ text: `{"type":"samples","samples":[${current.map((r) => r.sampleJson).join(',')}]}`, rows: current });
    current = [];
    bytes = FRAME_ENVELOPE_BYTES;
  };
  for (const row of rows) {
    if (current.length >= batch || bytes + row.bytes + 1 > maxFrameBytes) flush();
    current.push(row);
    bytes += row.bytes + 1;
  }
  flush();
  return frames;
}

function rejectedEvent(sampleId: string, personaId: string, turnId: string, summaryOrError: string, error = summaryOrError): Parameters<TimelineRepository['append']>[0] {
  return {
    id: `rejected:${sampleId}`,
    personaId,
    kind: 'rejected',
    sampleId,
    messageId: turnId,
    summary: summaryOrError === error ? `Not sent: ${truncate(error, 300)}` : summaryOrError,
    data: { error },
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function unauthorizedFailure(): LinkFailure {
  return { state: 'unauthorized', detail: 'The box refused the token. Check the box token in Settings.' };
}

function clearConnectionTimers(connection: Connection): void {
  if (connection.welcomeTimer) clearTimeout(connection.welcomeTimer);
  if (connection.ackTimer) clearTimeout(connection.ackTimer);
  if (connection.heartbeatTimer) clearInterval(connection.heartbeatTimer);
  if (connection.pumpRetryTimer) clearTimeout(connection.pumpRetryTimer);
  connection.pumpRetryTimer = null;
  for (const timer of connection.resendTimers.values()) clearTimeout(timer);
  connection.resendTimers.clear();
  connection.welcomeTimer = null;
  connection.ackTimer = null;
  connection.heartbeatTimer = null;
}

function closeGracefully(ws: WebSocket, timeoutMs: number): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, timeoutMs);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'app stopping');
    else ws.terminate();
  });
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

import {
  eventNames,
  type ApprenticeApi,
  type EventName,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
} from '../../shared/ipc/contract';
import { IpcServerFrameSchema, type IpcInvokeFrame } from '../../shared/ipc/transport';
import { parseEventPayload, parseInvokeResponse } from './contract-validation';
import { IpcCallError } from './ipc-call-error';

/**
 * The IPC contract over a local ws (browser mode). DOM-free on purpose: the socket comes from a
 * factory, so the browser passes `new WebSocket(url)` and Node tests pass the `ws` package.
 *
 * - Invokes made while the socket is (re)connecting wait for it, up to `connectWaitMs`.
 * - When the socket drops, invokes already sent fail at once with code 'disconnected' (the core may
 *   or may not have applied them; the UI refetches after reconnecting), and the client reconnects
 *   with exponential backoff.
 * - Every result and event is validated against the contract before anyone sees it.
 */

/** The subset of the WHATWG WebSocket that both browsers and the `ws` package provide. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Set while reconnecting: when the next attempt starts (epoch ms). */
  nextAttemptAt: number | null;
  /** Successful opens so far; a change tells the UI that events may have been missed. */
  opens: number;
  lastError: string | null;
}

export interface WsIpcClientOptions {
  url: string;
  createSocket: WebSocketFactory;
  /** How long an invoke waits for a connection before failing. */
  connectWaitMs?: number;
  /** How long a sent invoke waits for its result. */
  invokeTimeoutMs?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Frames the client could not use (bad JSON, contract violations); they are dropped. */
  onProtocolError?: (message: string) => void;
}

export interface WsIpcClient extends ApprenticeApi {
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}

interface PendingInvoke {
  channel: InvokeChannel;
  resolve(value: unknown): void;
  reject(error: IpcCallError): void;
  timer: ReturnType<typeof setTimeout>;
}

interface WaitingInvoke {
  frame: IpcInvokeFrame;
  pending: PendingInvoke;
}

const OPEN = 1;

export function createWsIpcClient(options: WsIpcClientOptions): WsIpcClient {
  const connectWaitMs = options.connectWaitMs ?? 10_000;
  const invokeTimeoutMs = options.invokeTimeoutMs ?? 120_000;
  const reconnectInitialMs = options.reconnectInitialMs ?? 250;
  const reconnectMaxMs = options.reconnectMaxMs ?? 5_000;
  const reportProtocolError = options.onProtocolError ?? (() => undefined);

  let socket: WebSocketLike | null = null;
  let nextId = 1;
  let attempt = 0;
  let closedByUser = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let status: ConnectionStatus = { state: 'connecting', nextAttemptAt: null, opens: 0, lastError: null };

  const inFlight = new Map<number, PendingInvoke>();
  const waiting: WaitingInvoke[] = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();

  function setStatus(next: Partial<ConnectionStatus>): void {
    status = { ...status, ...next };
    for (const listener of statusListeners) listener(status);
  }

  function failAll(list: Iterable<PendingInvoke>, error: (channel: string) => IpcCallError): void {
    for (const pending of list) {
      clearTimeout(pending.timer);
      pending.reject(error(pending.channel));
    }
  }

  function flushWaiting(): void {
    const ready = waiting.splice(0, waiting.length);
    for (const { frame, pending } of ready) send(frame, pending);
  }

  function send(frame: IpcInvokeFrame, pending: PendingInvoke): void {
    if (!socket || socket.readyState !== OPEN) {
      waiting.push({ frame, pending });
      return;
    }
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      inFlight.delete(frame.id);
      pending.reject(new IpcCallError('timeout', `${frame.channel}: no answer from the app core after ${invokeTimeoutMs} ms`, frame.channel));
    }, invokeTimeoutMs);
    inFlight.set(frame.id, pending);
    try {
      socket.send(JSON.stringify(frame));
    } catch (error) {
      inFlight.delete(frame.id);
      clearTimeout(pending.timer);
      pending.reject(new IpcCallError('disconnected', `${frame.channel}: could not send (${String(error)})`, frame.channel));
    }
  }

  function handleMessage(data: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      reportProtocolError('the app core sent a frame that is not JSON');
      return;
    }
    const frame = IpcServerFrameSchema.safeParse(json);
    if (!frame.success) {
      reportProtocolError(`the app core sent an unknown frame: ${frame.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    const value = frame.data;
    if (value.type === 'result') {
      const pending = inFlight.get(value.id);
      if (!pending) return;
      inFlight.delete(value.id);
      clearTimeout(pending.timer);
      if (!value.result.ok) {
        pending.reject(new IpcCallError(value.result.error.code, value.result.error.message, pending.channel));
        return;
      }
      try {
        pending.resolve(parseInvokeResponse(pending.channel, value.result.result));
      } catch (error) {
        pending.reject(error as IpcCallError);
      }
    } else if (value.type === 'event') {
      if (!(eventNames as string[]).includes(value.event)) {
        reportProtocolError(`unknown event ${value.event}`);
        return;
      }
      const event = value.event as EventName;
      const parsed = parseEventPayload(event, value.payload);
      if (!parsed.ok) {
        reportProtocolError(parsed.message);
        return;
      }
      for (const listener of listeners.get(event) ?? []) {
        try {
          (listener as (payload: unknown) => void)(parsed.payload);
        } catch (error) {
          reportProtocolError(`a ${event} listener threw: ${String(error)}`);
        }
      }
    } else {
      reportProtocolError(`the app core reported: ${value.error.message}`);
    }
  }

  function scheduleReconnect(reason: string): void {
    if (closedByUser) return;
    const delay = Math.min(reconnectMaxMs, reconnectInitialMs * 2 ** attempt);
    attempt += 1;
    setStatus({ state: 'reconnecting', nextAttemptAt: Date.now() + delay, lastError: reason });
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  function connect(): void {
    let current: WebSocketLike;
    try {
      current = options.createSocket(options.url);
    } catch (error) {
      scheduleReconnect(`could not open the connection: ${String(error)}`);
      return;
    }
    socket = current;
    let closeHandled = false;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      attempt = 0;
      setStatus({ state: 'open', nextAttemptAt: null, opens: status.opens + 1, lastError: null });
      flushWaiting();
    });
    current.addEventListener('message', (event) => {
      if (socket === current) handleMessage(event.data);
    });
    const onGone = (reason: string): void => {
      if (closeHandled || socket !== current) return;
      closeHandled = true;
      socket = null;
      const sent = [...inFlight.values()];
      inFlight.clear();
      failAll(sent, (channel) => new IpcCallError('disconnected', `${channel}: the connection to the app core dropped before it answered (${reason}); it may or may not have been applied`, channel));
      scheduleReconnect(reason);
    };
    current.addEventListener('close', (event) => onGone(event.reason ? `closed ${event.code}: ${event.reason}` : `closed ${event.code}`));
    // Browsers and `ws` both follow an error with a close event, which does the cleanup.
    current.addEventListener('error', () => undefined);
  }

  function invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    if (closedByUser) return Promise.reject(new IpcCallError('disconnected', `${channel}: the client is closed`, channel));
    return new Promise<InvokeResponse<C>>((resolve, reject) => {
      const frame: IpcInvokeFrame = { type: 'invoke', id: nextId++, channel, payload: request };
      const pending: PendingInvoke = {
        channel,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: setTimeout(() => {
          const index = waiting.findIndex((w) => w.frame.id === frame.id);
          if (index >= 0) waiting.splice(index, 1);
          reject(new IpcCallError('disconnected', `${channel}: not connected to the app core (waited ${connectWaitMs} ms)`, channel));
        }, connectWaitMs),
      };
      send(frame, pending);
    });
  }

  function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  function close(): void {
    closedByUser = true;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    const all = [...inFlight.values(), ...waiting.map((w) => w.pending)];
    inFlight.clear();
    waiting.length = 0;
    failAll(all, (channel) => new IpcCallError('disconnected', `${channel}: the client was closed`, channel));
    const current = socket;
    socket = null;
    current?.close(1000, 'client closed');
    setStatus({ state: 'closed', nextAttemptAt: null });
  }

  connect();

  return {
    invoke,
    on,
    close,
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}

import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

/**
 * A real ws server on 127.0.0.1 that answers IPC frames the way a test scripts it, so the
 * renderer's ws client is exercised over a real socket.
 */
export interface IpcTestServer {
  url: string;
  port: number;
  sockets: Set<WebSocket>;
  received: unknown[];
  /** Answers each invoke frame; return undefined to leave it unanswered. */
  answer: (frame: { id: number; channel: string; payload: unknown }, socket: WebSocket) => unknown;
  broadcast(frame: unknown): void;
  waitForConnections(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startIpcTestServer(port = 0): Promise<IpcTestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const actualPort = (wss.address() as AddressInfo).port;
  let connections = 0;
  const connectionWaiters: Array<{ count: number; resolve: () => void }> = [];
  const server: IpcTestServer = {
    url: `ws://127.0.0.1:${actualPort}/ipc?token=t`,
    port: actualPort,
    sockets: new Set(),
    received: [],
    answer: () => undefined,
    broadcast(frame) {
      for (const socket of server.sockets) socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    waitForConnections(count) {
      if (connections >= count) return Promise.resolve();
      return new Promise((resolve) => connectionWaiters.push({ count, resolve }));
    },
    async close() {
      for (const socket of server.sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  wss.on('connection', (socket) => {
    connections += 1;
    server.sockets.add(socket);
    socket.on('close', () => server.sockets.delete(socket));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { id: number; channel: string; payload: unknown };
      server.received.push(frame);
      const result = server.answer(frame, socket);
      if (result !== undefined) socket.send(JSON.stringify({ type: 'result', id: frame.id, result }));
    });
    for (const waiter of connectionWaiters.filter((w) => connections >= w.count)) waiter.resolve();
  });
  return server;
}

import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createValidatedApi } from '../../renderer/ipc/validated-preload-api';
import { IpcCallError } from '../../renderer/ipc/ipc-call-error';
import { createWsIpcClient, type WebSocketLike, type WsIpcClient } from '../../renderer/ipc/ws-ipc-client';
import { startIpcTestServer, type IpcTestServer } from './ipc-test-server';

const persona = { id: 'p1', name: 'Tutor', systemPrompt: 'Be brief.', hintMode: 'auto', createdAt: 1, updatedAt: 2 };
const message = {
  id: 'm1',
  conversationId: 'c1',
  seq: 2,
  role: 'assistant',
  content: 'Hello',
  status: 'streaming',
  error: null,
  model: null,
  policyVersion: null,
  replacesId: null,
  supersededAt: null,
  servedBy: null,
  createdAt: 1,
  updatedAt: 1,
};

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(port = 0, options: Partial<Parameters<typeof createWsIpcClient>[0]> = {}) {
  const server = await startIpcTestServer(port);
  const protocolErrors: string[] = [];
  const client = createWsIpcClient({
    url: server.url,
    createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    reconnectInitialMs: 50,
    reconnectMaxMs: 200,
    onProtocolError: (m) => protocolErrors.push(m),
    ...options,
  });
  cleanups.push(() => server.close(), () => client.close());
  return { server, client, protocolErrors };
}

function nextStatus(client: WsIpcClient, predicate: (s: ReturnType<WsIpcClient['status']>) => boolean): Promise<void> {
  if (predicate(client.status())) return Promise.resolve();
  return new Promise((resolve) => {
    const off = client.onStatus((s) => {
      if (predicate(s)) {
        off();
        resolve();
      }
    });
  });
}

describe('ws IPC client (browser mode)', () => {
  it('sends invoke frames and resolves with the validated result, even when invoked before the socket opened', async () => {
    const { server, client } = await setup();
    server.answer = (frame) => (frame.channel === 'personas:list' ? { ok: true, result: [persona] } : undefined);
    const result = await client.invoke('personas:list', {});
    expect(result).toEqual([persona]);
    expect(server.received).toEqual([{ type: 'invoke', id: 1, channel: 'personas:list', payload: {} }]);
    expect(client.status()).toMatchObject({ state: 'open', opens: 1 });
  });

  it('matches results to invokes by id when answers come out of order', async () => {
    const { server, client } = await setup();
    const held: Array<() => void> = [];
    server.answer = (frame, socket) => {
      const hasToken = (frame.payload as { token: string | null }).token !== null;
      held.push(() => socket.send(JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, result: { hasToken } } })));
      return undefined;
    };
    const first = client.invoke('settings:setBoxToken', { token: 'abc' });
    const second = client.invoke('settings:setBoxToken', { token: null });
    await expect.poll(() => held.length).toBe(2);
    held[1]!();
    await expect(second).resolves.toEqual({ hasToken: false });
    held[0]!();
    await expect(first).resolves.toEqual({ hasToken: true });
  });

  it('rejects with the core error code and message', async () => {
    const { server, client } = await setup();
    server.answer = () => ({ ok: false, error: { code: 'not_found', message: 'no persona p9' } });
    const error = await client.invoke('personas:delete', { id: 'p9' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcCallError);
    expect(error).toMatchObject({ code: 'not_found', message: 'no persona p9', channel: 'personas:delete' });
  });

  it('rejects a response that breaks the contract instead of handing it to the UI', async () => {
    const { server, client } = await setup();
    server.answer = () => ({ ok: true, result: [{ ...persona, hintMode: 'sometimes' }] });
    const error = await client.invoke('personas:list', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad_response' });
    expect((error as Error).message).toContain('hintMode');
  });

  it('delivers validated events to listeners and drops invalid or unknown ones', async () => {
    const { server, client, protocolErrors } = await setup();
    server.answer = () => ({ ok: true, result: { hasToken: false } });
    await client.invoke('settings:setBoxToken', { token: null });
    const deltas: unknown[] = [];
    const messages: unknown[] = [];
    const offDelta = client.on('chat:delta', (e) => deltas.push(e));
    client.on('chat:message', (m) => messages.push(m));
    server.broadcast({ type: 'event', event: 'chat:delta', payload: { conversationId: 'c1', messageId: 'm1', delta: 'Hel' } });
    server.broadcast({ type: 'event', event: 'chat:delta', payload: { conversationId: 'c1', messageId: 'm1' } });
    server.broadcast({ type: 'event', event: 'chat:nonsense', payload: {} });
    server.broadcast('this is not json');
    server.broadcast({ type: 'event', event: 'chat:message', payload: message });
    await expect.poll(() => messages.length).toBe(1);
    expect(deltas).toEqual([{ conversationId: 'c1', messageId: 'm1', delta: 'Hel' }]);
    expect(protocolErrors).toHaveLength(3);
    expect(protocolErrors.join('\n')).toMatch(/invalid chat:delta event/);
    expect(protocolErrors.join('\n')).toMatch(/unknown event chat:nonsense/);
    expect(protocolErrors.join('\n')).toMatch(/not JSON/);
    offDelta();
    server.broadcast({ type: 'event', event: 'chat:delta', payload: { conversationId: 'c1', messageId: 'm1', delta: 'lo' } });
    server.broadcast({ type: 'event', event: 'chat:message', payload: message });
    await expect.poll(() => messages.length).toBe(2);
    expect(deltas).toHaveLength(1);
  });

  it('fails in-flight invokes clearly when the connection drops, then reconnects and works again', async () => {
    const { server, client } = await setup();
    server.answer = () => undefined; // never answers the first invoke
    const inFlight = client.invoke('box:test', {});
    await expect.poll(() => server.received.length).toBe(1);
    for (const socket of server.sockets) socket.terminate();
    const error = await inFlight.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'disconnected', channel: 'box:test' });
    expect((error as Error).message).toMatch(/dropped before it answered/);

    await nextStatus(client, (s) => s.state === 'open' && s.opens === 2);
    server.answer = () => ({ ok: true, result: { ok: true, detail: 'box ok', models: ['qwen'] } });
    await expect(client.invoke('box:test', {})).resolves.toEqual({ ok: true, detail: 'box ok', models: ['qwen'] });
  });

  it('waits for a restarted core and reports the reconnect countdown meanwhile', async () => {
    const { server, client } = await setup();
    server.answer = () => ({ ok: true, result: [] });
    await client.invoke('personas:list', {});
    const port = server.port;
    await server.close();
    await nextStatus(client, (s) => s.state === 'reconnecting');
    expect(client.status().nextAttemptAt).toBeGreaterThan(0);
    const pending = client.invoke('personas:list', {});
    const restarted = await startIpcTestServer(port);
    cleanups.push(() => restarted.close());
    restarted.answer = () => ({ ok: true, result: [persona] });
    await expect(pending).resolves.toEqual([persona]);
  });

  it('gives up on an invoke after connectWaitMs when no core is reachable', async () => {
    const { server, client } = await setup(0, { connectWaitMs: 300 });
    await nextStatus(client, (s) => s.state === 'open');
    await server.close();
    await nextStatus(client, (s) => s.state === 'reconnecting');
    const error = await client.invoke('personas:list', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'disconnected' });
    expect((error as Error).message).toMatch(/not connected/);
  });

  it('times out a sent invoke that is never answered', async () => {
    const { client } = await setup(0, { invokeTimeoutMs: 200 });
    const error = await client.invoke('personas:list', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('rejects everything pending when closed', async () => {
    const { client } = await setup();
    const pending = client.invoke('personas:list', {});
    client.close();
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    await expect(client.invoke('personas:list', {})).rejects.toMatchObject({ code: 'disconnected' });
    expect(client.status().state).toBe('closed');
  });

  it('the validating wrapper (used over Electron\'s preload) checks responses and events of any ApprenticeApi', async () => {
    const { server, client } = await setup();
    const warnings: string[] = [];
    const api = createValidatedApi(client, (m) => warnings.push(m));
    server.answer = (frame) =>
      frame.channel === 'personas:list' ? { ok: true, result: [persona] } : { ok: false, error: { code: 'conflict', message: 'busy' } };
    await expect(api.invoke('personas:list', {})).resolves.toEqual([persona]);
    await expect(api.invoke('personas:delete', { id: 'p1' })).rejects.toMatchObject({ code: 'conflict', message: 'busy' });
    const statuses: unknown[] = [];
    api.on('box:status', (s) => statuses.push(s));
    const status = { state: 'connected', url: 'http://box', detail: 'ok', pending: 0, held: 0, acked: 3, lastAckAt: null, policyVersion: 'v1', retryInMs: null };
    server.broadcast({ type: 'event', event: 'box:status', payload: status });
    await expect.poll(() => statuses).toEqual([status]);
  });
});

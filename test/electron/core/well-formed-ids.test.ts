import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BROWSER_IPC_PATH, IpcServerFrameSchema } from '../../../shared/ipc/transport';
import { startBrowserServer } from '../../../electron/web/browser-server';
import { browserIpcProtocols } from '../../../shared/ipc/browser-token';
import { startCore, type CoreHarness } from './core-test-kit';

let h: CoreHarness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
});

describe('IPC: ids with lone surrogates', () => {
  it('refuses them as bad_request naming the field, and changes nothing', async () => {
    h = await startCore();
    const [persona] = await h.invoke('personas:list', {});
    const lone = `${persona!.id}\ud800`;
    for (const [channel, payload, field] of [
      ['personas:delete', { id: lone }, 'id'],
      ['conversations:create', { personaId: lone }, 'personaId'],
      ['messages:list', { conversationId: '\udc00' }, 'conversationId'],
    ] as const) {
      const result = await h.core.handle(channel, payload);
      expect(result, channel).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining(field) } });
      expect(result.ok ? '' : result.error.message).toMatch(/surrogate/);
    }
    expect(await h.invoke('personas:list', {})).toHaveLength(1);
    expect(await h.invoke('conversations:list', { personaId: persona!.id })).toHaveLength(0);
  });

  it('answers such a frame over the browser-mode ws the same way', async () => {
    h = await startCore();
    const dir = mkdtempSync(join(tmpdir(), 'apprentice-ids-'));
    const server = await startBrowserServer({ core: h.core, port: 0, rendererDir: dir });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${BROWSER_IPC_PATH}`, browserIpcProtocols(server.token));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const answer = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(IpcServerFrameSchema.parse(JSON.parse(String(data))))));
      // JSON.stringify writes the lone half as the escape \ud800, as a hostile page would.
      ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'personas:delete', payload: { id: 'p-\ud800' } }));
      expect(await answer).toMatchObject({ type: 'result', id: 1, result: { ok: false, error: { code: 'bad_request', message: expect.stringMatching(/surrogate/) } } });
      ws.close();
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

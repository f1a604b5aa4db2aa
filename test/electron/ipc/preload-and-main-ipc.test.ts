import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invokeChannels, type EventName } from '../../../shared/ipc/contract';
import { createCore, type Core } from '../../../electron/core/create-core';
import { createPreloadApi, IpcInvokeError, type RendererIpc } from '../../../electron/ipc/create-preload-api';
import { registerCoreIpc, type MainIpc } from '../../../electron/ipc/register-core-ipc';

/**
 * Electron cannot run here, so the two halves of its IPC are joined in-process the way Electron
 * joins them: ipcRenderer.invoke → the handler registered with ipcMain.handle (with the sender's
 * frame URL), and webContents.send → ipcRenderer listeners. Everything on either side is our code.
 */
function joinedIpc(frameUrl: string) {
  const handlers = new Map<string, Parameters<MainIpc['handle']>[1]>();
  const rendererSide = new EventEmitter();
  const ipcMain: MainIpc = {
    handle: (channel, handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  const ipcRenderer: RendererIpc = {
    invoke: async (channel, payload) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler({ senderFrame: { url: frameUrl } }, structuredClone(payload));
    },
    on: (channel, listener) => rendererSide.on(channel, listener),
    removeListener: (channel, listener) => rendererSide.off(channel, listener),
  };
  const broadcast = (event: EventName, payload: unknown) => rendererSide.emit(event, { sender: 'main' }, structuredClone(payload));
  return { handlers, ipcMain, ipcRenderer, broadcast };
}

const ours = 'file:///app/out/renderer/index.html';
let dir: string;
let core: Core;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-ipc-'));
  core = createCore({ dataDir: dir, mode: 'electron', spawnSyncWorker: null, log: () => {} });
});
afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Electron IPC wiring', () => {
  it('registers every contract channel and round-trips invokes and events', async () => {
    const ipc = joinedIpc(ours);
    const unregister = registerCoreIpc({ ipcMain: ipc.ipcMain, core, isTrustedSender: (url) => url === ours, broadcast: ipc.broadcast });
    expect([...ipc.handlers.keys()].sort()).toEqual([...invokeChannels].sort());
    const api = createPreloadApi(ipc.ipcRenderer);

    const persona = await api.invoke('personas:create', { name: 'Desk', systemPrompt: '' });
    expect(persona.name).toBe('Desk');
    const statuses: unknown[] = [];
    const off = api.on('box:status', (s) => statuses.push(s));
    await api.invoke('settings:update', { box: { url: 'http://127.0.0.1:9' } });
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({ url: 'http://127.0.0.1:9' });
    off();
    await api.invoke('settings:update', { box: { url: '' } });
    expect(statuses).toHaveLength(1);

    const error = await api.invoke('personas:delete', { id: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcInvokeError);
    expect((error as IpcInvokeError).code).toBe('not_found');
    await expect(api.invoke('nope' as never, {} as never)).rejects.toThrow(/Unknown channel/);
    expect(() => api.on('nope' as never, () => {})).toThrow(/Unknown event/);

    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('refuses calls from a frame that is not our renderer', async () => {
    const ipc = joinedIpc('https://evil.example/');
    registerCoreIpc({ ipcMain: ipc.ipcMain, core, isTrustedSender: (url) => url === ours, broadcast: ipc.broadcast });
    const api = createPreloadApi(ipc.ipcRenderer);
    const before = await core.handle('personas:list', {});
    await expect(api.invoke('personas:create', { name: 'x', systemPrompt: '' })).rejects.toThrow(/not the Apprentice window/);
    expect(await core.handle('personas:list', {})).toEqual(before);
  });
});

import { eventNames, invokeChannels, type EventName } from '../../shared/ipc/contract';
import type { IpcResult } from '../../shared/ipc/transport';
import type { Core } from '../core/create-core';

/** The slice of Electron's ipcMain used here, described structurally (only main.ts imports 'electron'). */
export interface MainIpc {
  handle(channel: string, handler: (event: { senderFrame: { url: string } | null }, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface RegisterCoreIpcOptions {
  ipcMain: MainIpc;
  core: Pick<Core, 'handle' | 'on'>;
  isTrustedSender(frameUrl: string | null): boolean;
  /** Delivers a core event to every window. */
  broadcast(event: EventName, payload: unknown): void;
}

/**
 * Serves every contract channel over ipcMain.handle (one generic handler) and forwards every core
 * event to the windows. A call from a frame that is not our renderer is answered with an error and
 * never reaches the core. Returns a function that undoes all of it.
 */
export function registerCoreIpc(options: RegisterCoreIpcOptions): () => void {
  for (const channel of invokeChannels) {
    options.ipcMain.handle(channel, async (event, payload): Promise<IpcResult> => {
      const url = event.senderFrame?.url ?? null;
      if (!options.isTrustedSender(url)) {
        return { ok: false, error: { code: 'bad_request', message: 'IPC refused: the caller is not the Apprentice window.' } };
      }
      return options.core.handle(channel, payload);
    });
  }
  const unsubscribes = eventNames.map((event) => options.core.on(event, (payload) => options.broadcast(event, payload)));
  return () => {
    for (const channel of invokeChannels) options.ipcMain.removeHandler(channel);
    for (const off of unsubscribes) off();
  };
}

import { browserIpcProtocols } from '../../shared/ipc/browser-token';
import type { ApprenticeApi } from '../../shared/ipc/contract';
import { browserIpcUrl } from './browser-ipc-url';
import { takeBrowserToken } from './browser-token-store';
import { createValidatedApi } from './validated-preload-api';
import { createWsIpcClient, type ConnectionStatus } from './ws-ipc-client';

declare global {
  interface Window {
    /** Exposed by Electron's preload; absent in browser mode. */
    apprentice?: ApprenticeApi;
  }
}

/** How the window reaches the core; `connection` exists only in browser mode (a ws that can drop). */
export interface ApiHandle {
  api: ApprenticeApi;
  mode: 'electron' | 'browser';
  connection: {
    status(): ConnectionStatus;
    onStatus(listener: (status: ConnectionStatus) => void): () => void;
  } | null;
}

export type ApiSetup = { ok: true; handle: ApiHandle } | { ok: false; problem: string };

function logProtocolError(message: string): void {
  console.warn(`[apprentice ipc] ${message}`);
}

export function createApi(): ApiSetup {
  if (window.apprentice) {
    return { ok: true, handle: { api: createValidatedApi(window.apprentice, logProtocolError), mode: 'electron', connection: null } };
  }
  const token = takeBrowserToken({
    location: window.location,
    storage: sessionStorageOrNull(),
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
  });
  if (!token) {
    return {
      ok: false,
      problem: 'This page needs the token from the line "Apprentice (browser mode) ready at …" that `npm run web` printed. Open that exact address.',
    };
  }
  const protocols = browserIpcProtocols(token);
  const client = createWsIpcClient({
    url: browserIpcUrl(window.location.href),
    createSocket: (u) => new WebSocket(u, protocols),
    onProtocolError: logProtocolError,
  });
  return { ok: true, handle: { api: client, mode: 'browser', connection: client } };
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled for this origin
  }
}

import {
  eventNames,
  invokeChannels,
  type ApprenticeApi,
  type EventName,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcError,
} from '../../shared/ipc/contract';
import { formatBridgedErrorMessage, type IpcResult } from '../../shared/ipc/transport';

/** The slice of Electron's ipcRenderer the preload needs, described structurally (only preload.ts imports 'electron'). */
export interface RendererIpc {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** What a failed invoke rejects with: the core's error code and message. */
export class IpcInvokeError extends Error {
  override name = 'IpcInvokeError';
  readonly code: IpcError['code'];
  constructor(
    error: IpcError,
    readonly channel: string,
  ) {
    // The code also rides in the message: contextBridge drops every property of an Error but that.
    super(formatBridgedErrorMessage(error.code, error.message));
    this.code = error.code;
  }
}

const INVOKE_CHANNELS = new Set<string>(invokeChannels);
const EVENT_NAMES = new Set<string>(eventNames);

/**
 * The window's `apprentice` API, generated from the contract's channel and event lists: one generic
 * invoke and one generic on, no per-channel code. Unknown names are refused before they reach main.
 */
export function createPreloadApi(ipc: RendererIpc): ApprenticeApi {
  return {
    async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
      if (!INVOKE_CHANNELS.has(channel)) throw new IpcInvokeError({ code: 'bad_request', message: `Unknown channel ${String(channel)}` }, String(channel));
      const result = (await ipc.invoke(channel, request)) as IpcResult;
      if (result.ok) return result.result as InvokeResponse<C>;
      throw new IpcInvokeError(result.error, channel);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (!EVENT_NAMES.has(event)) throw new Error(`Unknown event ${String(event)}`);
      // The Electron event object stays in the preload: it must not cross into the page.
      const forward = (_event: unknown, payload: unknown) => listener(payload as EventPayload<E>);
      ipc.on(event, forward);
      return () => {
        ipc.removeListener(event, forward);
      };
    },
  };
}

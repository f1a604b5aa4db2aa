import {
  IpcErrorCodeSchema,
  type ApprenticeApi,
  type EventName,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
} from '../../shared/ipc/contract';
import { parseBridgedErrorMessage } from '../../shared/ipc/transport';
import { parseEventPayload, parseInvokeResponse } from './contract-validation';
import { IpcCallError } from './ipc-call-error';

/**
 * Electron's preload hands us the contract as-is; the renderer still checks every response and
 * event against the schemas, so a core/renderer version skew shows as a clear error, not a crash.
 */
export function createValidatedApi(raw: ApprenticeApi, onProtocolError: (message: string) => void = () => undefined): ApprenticeApi {
  return {
    async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
      let value: unknown;
      try {
        value = await raw.invoke(channel, request);
      } catch (error) {
        if (error instanceof IpcCallError) throw error;
        // Electron prefixes rejected invokes with "Error invoking remote method '<channel>': ", and
        // contextBridge keeps only the message, into which the preload wrote the core's code.
        const text = error instanceof Error ? error.message.replace(/^Error invoking remote method '[^']*': (Error: )?/, '') : String(error);
        const bridged = parseBridgedErrorMessage(text);
        const code = IpcErrorCodeSchema.safeParse((error as { code?: unknown } | null)?.code ?? bridged.code);
        throw new IpcCallError(code.success ? code.data : 'internal', bridged.message, channel);
      }
      return parseInvokeResponse(channel, value);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return raw.on(event, (payload) => {
        const parsed = parseEventPayload(event, payload);
        if (parsed.ok) listener(parsed.payload);
        else onProtocolError(parsed.message);
      });
    },
  };
}

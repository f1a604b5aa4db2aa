import { describe, expect, it } from 'vitest';
import { createPreloadApi, type RendererIpc } from '../../electron/ipc/create-preload-api';
import type { ApprenticeApi } from '../../shared/ipc/contract';
import { formatBridgedErrorMessage, parseBridgedErrorMessage } from '../../shared/ipc/transport';
import { IpcCallError } from '../../renderer/ipc/ipc-call-error';
import { createValidatedApi } from '../../renderer/ipc/validated-preload-api';

/** What contextBridge does to a rejected preload promise: a fresh Error with the message alone. */
function throughContextBridge(api: ApprenticeApi): ApprenticeApi {
  return {
    invoke: (channel, request) =>
      api.invoke(channel, request).catch((error: unknown) => {
        throw new Error(error instanceof Error ? error.message : String(error));
      }),
    on: api.on,
  };
}

function ipcAnswering(result: unknown): RendererIpc {
  return {
    invoke: async () => result,
    on: () => undefined,
    removeListener: () => undefined,
  };
}

describe('errors across the Electron bridge', () => {
  it("keeps the core's error code although contextBridge strips the Error's properties", async () => {
    const preload = createPreloadApi(
      ipcAnswering({ ok: false, error: { code: 'not_found', message: 'No persona with id missing' } }),
    );
    const api = createValidatedApi(throughContextBridge(preload));
    const error = await api.invoke('personas:delete', { id: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcCallError);
    expect((error as IpcCallError).code).toBe('not_found');
    expect((error as IpcCallError).message).toBe('No persona with id missing');
  });

  it('still validates successful responses against the contract', async () => {
    const api = createValidatedApi(throughContextBridge(createPreloadApi(ipcAnswering({ ok: true, result: { nope: 1 } }))));
    const error = await api.invoke('box:status', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcCallError);
    expect((error as IpcCallError).code).toBe('bad_response');
  });

  it('parses bridged messages, also behind Electron\'s "Error invoking remote method" prefix', () => {
    const text = formatBridgedErrorMessage('conflict', 'Reply is still streaming');
    expect(parseBridgedErrorMessage(text)).toEqual({ code: 'conflict', message: 'Reply is still streaming' });
    expect(parseBridgedErrorMessage(`Error: ${text}`)).toEqual({ code: 'conflict', message: 'Reply is still streaming' });
    expect(parseBridgedErrorMessage('plain failure')).toEqual({ code: null, message: 'plain failure' });
  });
});

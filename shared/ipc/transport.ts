import { z } from 'zod';
import { IpcErrorSchema } from './contract';

/**
 * Frames of the IPC contract when it travels over a local ws (browser mode). Electron uses
 * ipcRenderer.invoke with the same channel names and an envelope of the same result shape.
 */

export const IpcInvokeFrameSchema = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().nonnegative(),
    channel: z.string().max(100),
    payload: z.unknown(),
  })
  .strict();
export type IpcInvokeFrame = z.infer<typeof IpcInvokeFrameSchema>;

export const IpcResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: IpcErrorSchema }),
]);
export type IpcResult = z.infer<typeof IpcResultSchema>;

export const IpcServerFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: IpcResultSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  /** The server could not read a frame at all (no id to answer to). */
  z.object({ type: z.literal('error'), error: IpcErrorSchema }),
]);
export type IpcServerFrame = z.infer<typeof IpcServerFrameSchema>;

/** Query parameter carrying the per-run token of browser mode (page URL and ws URL). */
export const BROWSER_TOKEN_PARAM = 'token';
export const BROWSER_IPC_PATH = '/ipc';

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

/** Where browser mode's IPC ws listens (its token: shared/ipc/browser-token.ts). */
export const BROWSER_IPC_PATH = '/ipc';

/**
 * Electron's contextBridge keeps only an Error's message when a preload promise rejects, so the
 * preload writes the core's error code into the message and the renderer reads it back out.
 */
const BRIDGED_ERROR = /^\[apprentice:([a-z_]+)\] /;

export function formatBridgedErrorMessage(code: string, message: string): string {
  return `[apprentice:${code}] ${message}`;
}

/** Splits a bridged message into code and plain message; code is null when the message carries none. */
export function parseBridgedErrorMessage(text: string): { code: string | null; message: string } {
  const at = text.search(/\[apprentice:[a-z_]+\] /);
  if (at < 0) return { code: null, message: text };
  const rest = text.slice(at);
  const match = BRIDGED_ERROR.exec(rest);
  return match ? { code: match[1]!, message: rest.slice(match[0].length) } : { code: null, message: text };
}

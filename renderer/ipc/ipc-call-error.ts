import type { IpcErrorCode } from '../../shared/ipc/contract';

/**
 * Why an invoke failed, as the UI shows it. Codes from the core pass through; the client adds its
 * own for failures the core never saw (lost connection, timeout, a response that broke the contract).
 */
export type IpcCallErrorCode = IpcErrorCode | 'disconnected' | 'timeout' | 'bad_response';

export class IpcCallError extends Error {
  constructor(
    readonly code: IpcCallErrorCode,
    message: string,
    readonly channel: string,
  ) {
    super(message);
    this.name = 'IpcCallError';
  }
}

/** A message fit for an inline error line, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof IpcCallError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

import type { IpcErrorCode } from '../../shared/ipc/contract';

/** An error a service raises on purpose; its code and message go back to the renderer as they are. */
export class CoreError extends Error {
  override name = 'CoreError';
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function notFound(what: string, id: string): CoreError {
  return new CoreError('not_found', `${what} ${id} does not exist (or was deleted)`);
}

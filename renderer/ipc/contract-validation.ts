import type { z } from 'zod';
import {
  eventContract,
  invokeContract,
  type EventName,
  type EventPayload,
  type InvokeChannel,
  type InvokeResponse,
} from '../../shared/ipc/contract';
import { IpcCallError } from './ipc-call-error';

/** Renderer-side checks of what the core sends: a response or event that breaks the contract never reaches the UI. */

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

export function parseInvokeResponse<C extends InvokeChannel>(channel: C, value: unknown): InvokeResponse<C> {
  const parsed = invokeContract[channel].response.safeParse(value);
  if (!parsed.success) {
    throw new IpcCallError('bad_response', `The app core sent an invalid ${channel} response (${summarize(parsed.error)})`, channel);
  }
  return parsed.data as InvokeResponse<C>;
}

export type EventParseResult<E extends EventName> = { ok: true; payload: EventPayload<E> } | { ok: false; message: string };

export function parseEventPayload<E extends EventName>(event: E, value: unknown): EventParseResult<E> {
  const parsed = eventContract[event].safeParse(value);
  if (!parsed.success) return { ok: false, message: `invalid ${event} event (${summarize(parsed.error)})` };
  return { ok: true, payload: parsed.data as EventPayload<E> };
}

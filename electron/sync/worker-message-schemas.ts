import { z } from 'zod';
import { BoxStatusSchema, TimelineEventSchema } from '../../shared/domain';
import type { FromWorker, SyncConfig, ToWorker } from './types';

/**
 * Runtime checks for the messages between the core and the sync worker. The two sides are our own
 * code, but they are built and started separately (a stale bundle, a wrong path), so each side parses
 * what it receives instead of trusting it.
 */

export const SyncConfigSchema = z.object({
  dbFile: z.string().min(1),
  boxUrl: z.string().max(2_000),
  token: z.string().max(10_000).nullable(),
}) satisfies z.ZodType<SyncConfig>;

export const ToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('configure'), config: SyncConfigSchema }),
  z.object({ type: z.literal('nudge') }),
  z.object({ type: z.literal('stop') }),
]) satisfies z.ZodType<ToWorker>;

export const FromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: BoxStatusSchema }),
  z.object({ type: z.literal('timeline'), event: TimelineEventSchema }),
  z.object({ type: z.literal('delivery'), personaIds: z.array(z.string()) }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({ type: z.literal('stopped') }),
]) satisfies z.ZodType<FromWorker>;

/** One line naming what was wrong, for logs. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

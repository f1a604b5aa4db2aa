import type { TrainerSample } from '../../shared/protocol/trainer-api';
import type { TrainingQueue } from './training-queue';

/**
 * The trainer's long-poll: resolves as soon as `size` samples are ready (leasing exactly that
 * many), or at the deadline with whatever is ready (possibly none). Lapsed leases count as ready
 * again. If the caller goes away (signal) nothing is leased, so no sample sits in a dead lease.
 */
export function waitForBatch(
  queue: TrainingQueue,
  opts: { size: number; timeoutMs: number; leaseMs: number },
  signal?: AbortSignal,
): Promise<TrainerSample[]> {
  const deadline = Date.now() + opts.timeoutMs;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    let unsubscribe = (): void => {};
    let done = false;
    const finish = (result: TrainerSample[] | Error): void => {
      done = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = (): void => finish(new Error('the trainer went away before a batch was ready'));
    const check = (): void => {
      if (done) return;
      if (signal?.aborted) return onAbort();
      try {
        const now = Date.now();
        queue.releaseLapsedLeases(now);
        if (queue.readyCount() >= opts.size || now >= deadline) return finish(queue.lease(opts.size, opts.leaseMs, now));
        // Wake again at the deadline or when the next lease lapses, whichever is first.
        const lapse = queue.nextLeaseExpiry();
        const wakeAt = lapse === null ? deadline : Math.min(deadline, lapse);
        if (timer) clearTimeout(timer);
        timer = setTimeout(check, Math.max(0, wakeAt - now) + 1);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    };
    unsubscribe = queue.onReady(() => queueMicrotask(check));
    signal?.addEventListener('abort', onAbort, { once: true });
    check();
  });
}

/**
 * Delay before the next reconnect attempt: exponential from `initialMs`, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random) so many apps that lost the same box don't return in step.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Injected for deterministic tests; returns [0, 1). */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

export class ReconnectBackoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
    if (!(options.initialMs > 0) || !(options.maxMs >= options.initialMs)) {
      throw new Error(`invalid backoff: initialMs ${options.initialMs}, maxMs ${options.maxMs}`);
    }
    this.random = options.random ?? Math.random;
  }

  /** The ceiling of the next delay (before jitter); grows with every call to next(). */
  get ceilingMs(): number {
    return Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.attempt, 30));
  }

  next(): number {
    const ceiling = this.ceilingMs;
    this.attempt += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  /** After a successful handshake the next failure starts from the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }
}

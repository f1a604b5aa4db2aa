/**
 * Whether sample builds should wait for arrivals to stop: while an app uploads a backlog, the gateway
 * stores and acks first (builds share its CPU and would halve what it takes in), then builds. Builds
 * wait until samples have stopped arriving for `quietMs`, but never longer than `maxHoldMs` in a row
 * under a steady stream, so they cannot starve.
 */
export class ArrivalHold {
  private lastArrivalAt = Number.NEGATIVE_INFINITY;
  private holdingSince: number | null = null;

  constructor(
    private readonly quietMs = 50,
    private readonly maxHoldMs = 3_000,
  ) {}

  arrived(now = Date.now()): void {
    this.lastArrivalAt = now;
  }

  /** How long to wait before starting another build (0: start now). */
  holdFor(now = Date.now()): number {
    const quietFor = now - this.lastArrivalAt;
    if (quietFor >= this.quietMs) {
      this.holdingSince = null;
      return 0;
    }
    this.holdingSince ??= now;
    return now - this.holdingSince >= this.maxHoldMs ? 0 : this.quietMs - quietFor;
  }
}

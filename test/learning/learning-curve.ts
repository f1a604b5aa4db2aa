/**
 * The learning curve from per-interaction liked-style rates (each in 0..1: one reply liked or not, or
 * the share liked among several replies of the same policy): the mean over a trailing window, and how
 * many interactions it took to reach a target. Pure functions (no Node), so the app's Learning view can
 * compute the same numbers from its own events.
 */

/** Mean over the last `window` interactions at each interaction (over the ones so far at the start). */
export function rollingRate(rates: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < rates.length; i++) {
    sum += rates[i]!;
    if (i >= window) sum -= rates[i - window]!;
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

/**
 * The first interaction (1-based) at which the mean over the last `window` interactions reaches
 * `target`; null if it never does. Only full windows count.
 */
export function interactionsToReach(rates: readonly number[], window: number, target: number): number | null {
  const rolling = rollingRate(rates, window);
  for (let i = window - 1; i < rolling.length; i++) if (rolling[i]! >= target - 1e-9) return i + 1;
  return null;
}

/** Seconds left until the box link retries, from a status received at `receivedAt`; null when none is due. */
export function retrySecondsLeft(retryInMs: number | null, receivedAt: number, now: number): number | null {
  if (retryInMs === null) return null;
  return Math.max(0, Math.ceil((receivedAt + retryInMs - now) / 1000));
}

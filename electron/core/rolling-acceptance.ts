import type { AcceptancePoint } from '../../shared/learning';

export interface JudgedReply {
  at: number;
  accepted: boolean;
  policyVersion: string | null;
}

/** The most points the chart gets; longer histories keep every n-th point and the last. */
const MAX_POINTS = 400;

/**
 * The acceptance curve: after each judged reply (oldest first), the share of the last `window` judged
 * replies the user accepted. It rises as the assistant needs fewer corrections.
 */
export function rollingAcceptance(replies: readonly JudgedReply[], window: number): AcceptancePoint[] {
  const points: AcceptancePoint[] = [];
  let accepted = 0;
  for (let i = 0; i < replies.length; i += 1) {
    if (replies[i]!.accepted) accepted += 1;
    if (i >= window && replies[i - window]!.accepted) accepted -= 1;
    const count = Math.min(i + 1, window);
    points.push({ at: replies[i]!.at, rate: accepted / count, replies: count, policyVersion: replies[i]!.policyVersion });
  }
  if (points.length <= MAX_POINTS) return points;
  const every = Math.ceil(points.length / MAX_POINTS);
  return points.filter((_, i) => i % every === 0 || i === points.length - 1);
}

import type { Reward } from '../../../shared/domain';

/** Majority of the valid votes; a tie for first place, or no valid vote, gives 0. */
export function majorityVote(votes: ReadonlyArray<Reward | null>): Reward {
  const counts = new Map<Reward, number>();
  for (const v of votes) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: Reward = 0;
  let bestCount = 0;
  let tied = false;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
      tied = false;
    } else if (count === bestCount) {
      tied = true;
    }
  }
  return bestCount === 0 || tied ? 0 : best;
}

/** Hints shorter than this carry no usable instruction (OpenClaw-RL's threshold). */
export const MIN_HINT_CHARS = 10;

/** The longest hint over MIN_HINT_CHARS among votes that answered \boxed{1}. */
export function bestHint(votes: ReadonlyArray<{ score: Reward | null; hint: string | null }>): string | null {
  let best: string | null = null;
  for (const v of votes) {
    const hint = v.hint?.trim();
    if (v.score !== 1 || !hint || hint.length <= MIN_HINT_CHARS) continue;
    if (best === null || hint.length > best.length) best = hint;
  }
  return best;
}

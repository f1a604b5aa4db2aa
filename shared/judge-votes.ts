import type { Reward } from './domain';

/**
 * Reading OpenClaw-RL judge votes, shared by the app's judge (electron/signals) and the box-side
 * judge (box/judge): the last \boxed{n} of a vote counts, the majority of valid votes wins (a tie or
 * no valid vote gives 0), and the longest hint over MIN_HINT_CHARS among positive votes is kept.
 */

const BOXED = /\\boxed\{\s*([-+]?\d+)\s*\}/g;
const HINT = /\[HINT_START\]([\s\S]*?)\[HINT_END\]/g;

/** Hints this short carry no usable instruction (OpenClaw-RL's threshold). */
export const MIN_HINT_CHARS = 10;

/** The last \boxed{n} in the text; null when there is none or it is not -1, 0 or 1. */
export function lastBoxedScore(text: string): Reward | null {
  let last: string | null = null;
  for (const m of text.matchAll(BOXED)) last = m[1] ?? null;
  if (last === null) return null;
  const n = Number(last);
  return n === 1 || n === 0 || n === -1 ? (n as Reward) : null;
}

/** The last [HINT_START]…[HINT_END] block, trimmed; null when absent or empty. */
export function lastHint(text: string): string | null {
  let last: string | null = null;
  for (const m of text.matchAll(HINT)) last = (m[1] ?? '').trim();
  return last ? last : null;
}

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

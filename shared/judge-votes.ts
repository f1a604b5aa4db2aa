import type { JudgeTally, Reward } from './domain';

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

/** Counts m votes by value; a null vote (failed, no \boxed{}, cut at its token budget) is invalid. */
export function tallyVotes(votes: ReadonlyArray<Reward | null>): JudgeTally {
  const tally: JudgeTally = { plus: 0, minus: 0, zero: 0, invalid: 0 };
  for (const v of votes) {
    if (v === 1) tally.plus += 1;
    else if (v === -1) tally.minus += 1;
    else if (v === 0) tally.zero += 1;
    else tally.invalid += 1;
  }
  return tally;
}

/**
 * A tally as people say it: the winning side first, "3-0" for a unanimous vote, "2-1" for a split,
 * "1-1-1" for a three-way tie; invalid votes are named apart ("2-0, 1 invalid").
 */
export function describeTally(tally: JudgeTally): string {
  const counts = [tally.plus, tally.minus, tally.zero].filter((n) => n > 0).sort((a, b) => b - a);
  const valid = counts.length === 0 ? '0-0' : counts.length === 1 ? `${counts[0]}-0` : counts.join('-');
  return tally.invalid > 0 ? `${valid}, ${tally.invalid} invalid` : valid;
}

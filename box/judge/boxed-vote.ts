import type { Reward } from '../../shared/domain';

const BOXED = /\\boxed\{\s*([+-]?\d+)\s*\}/g;

/** The last \boxed{n} in a judge's answer, if it is 1, -1 or 0 (OpenClaw-RL counts the last one). */
export function parseBoxedVote(text: string): Reward | null {
  let last: string | undefined;
  for (const match of text.matchAll(BOXED)) last = match[1];
  if (last === undefined) return null;
  const n = Number(last);
  return n === 1 || n === -1 || n === 0 ? (n as Reward) : null;
}

/** Majority over valid votes; a tie for first place, or no valid vote, gives 0. */
export function majorityVote(votes: readonly (Reward | null)[]): Reward {
  const counts = new Map<Reward, number>();
  for (const v of votes) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const first = ranked[0];
  if (!first) return 0;
  const second = ranked[1];
  if (second && second[1] === first[1]) return 0;
  return first[0];
}

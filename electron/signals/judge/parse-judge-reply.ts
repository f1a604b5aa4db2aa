import type { Reward } from '../../../shared/domain';

const BOXED = /\\boxed\{\s*([-+]?\d+)\s*\}/g;
const HINT = /\[HINT_START\]([\s\S]*?)\[HINT_END\]/g;

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

import type { Signal } from '../../shared/domain';

/**
 * Whether the user accepted a reply: they reacted to it (it has a live signal: a follow-up, a thumb)
 * and nothing they did says it missed (no live signal with a negative reward: no correction, re-ask,
 * regeneration, rewrite, mark or thumbs down). A reply nobody reacted to is not judged either way.
 * The Learning tab's acceptance rate and the fine-tuning export read replies through this one rule.
 */
export function isAcceptedReply(liveSignals: readonly Pick<Signal, 'reward'>[]): boolean {
  return liveSignals.length > 0 && liveSignals.every((s) => s.reward >= 0);
}

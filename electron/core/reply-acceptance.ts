import type { Reward, Signal } from '../../shared/domain';
import { rewardOfTally } from '../../shared/judge-votes';

/**
 * The reward a signal stands for when judging a reply: the judge's majority once a judge decided it
 * (the box's or the app's), else the signal's own.
 */
export function decidedReward(signal: Pick<Signal, 'reward'> & Partial<Pick<Signal, 'decidedBy' | 'judgeTally'>>): Reward {
  return signal.decidedBy === 'judge' && signal.judgeTally ? rewardOfTally(signal.judgeTally) : signal.reward;
}

/**
 * Whether the user accepted a reply: they reacted to it (it has a live signal: a follow-up, a thumb)
 * and nothing they did says it missed (no live signal whose decided reward is negative: no correction,
 * re-ask, regeneration, rewrite, mark or thumbs down). A reply nobody reacted to is not judged either
 * way, and a signal the user removed does not count. The Learning tab's acceptance curve and the
 * fine-tuning export read replies through this one rule.
 */
export function isAcceptedReply(liveSignals: ReadonlyArray<Parameters<typeof decidedReward>[0]>): boolean {
  return liveSignals.length > 0 && liveSignals.every((s) => decidedReward(s) >= 0);
}

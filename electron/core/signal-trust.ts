import type { DecidedBy, JudgeTally, Message, Reward, TrainingFate } from '../../shared/domain';

/** Who decided a signal's reward, the judge's votes, and whether it trains: stored with the signal. */
export interface SignalTrust {
  decidedBy: DecidedBy;
  judgeTally: JudgeTally | null;
  fate: TrainingFate;
}

/** Replies the box's policy did not serve never train; unknown (older rows) is left to the box. */
function fromOtherModel(reply: Message): boolean {
  return reply.servedBy === 'other';
}

/** Thumbs, inline marks, edits, regenerations: the user's own word stands. */
export function explicitTrust(reply: Message): SignalTrust {
  return { decidedBy: 'user', judgeTally: null, fate: fromOtherModel(reply) ? 'not_from_policy' : 'will_train' };
}

/**
 * An inferred verdict as first stored: a judge will decide it when one is reachable; without one it
 * trains only if the detector's confidence bucket is trusted alone; a 0 without a hint has nothing to teach.
 */
export function inferredTrust(
  reply: Message,
  verdict: { reward: Reward; hint: string | null },
  opts: { judgeExpected: boolean; trainableWithoutJudge: boolean },
): SignalTrust {
  const decidedBy: DecidedBy = 'detector';
  if (fromOtherModel(reply)) return { decidedBy, judgeTally: null, fate: 'not_from_policy' };
  if (opts.judgeExpected) return { decidedBy, judgeTally: null, fate: 'awaiting_judge' };
  return { decidedBy, judgeTally: null, fate: detectorFate(verdict, opts.trainableWithoutJudge) };
}

/** The no-judge rule: a trusted bucket trains; any other verdict with a reward or hint is unsure. */
export function detectorFate(verdict: { reward: Reward; hint: string | null }, trainableWithoutJudge: boolean): TrainingFate {
  if (verdict.reward === 0 && !verdict.hint) return 'no_signal';
  return trainableWithoutJudge ? 'will_train' : 'unsure';
}

/** After a judge voted: it trains when the judge gave a reward, or a hint to learn from. */
export function judgedFate(reply: Message, reward: Reward, hint: string | null): TrainingFate {
  if (fromOtherModel(reply)) return 'not_from_policy';
  return reward !== 0 || hint ? 'will_train' : 'no_signal';
}

import { ExplicitKindSchema, type DecidedBy, type JudgeTally, type Reward } from '../../shared/domain';
import type { SignalSample } from '../../shared/protocol/box-stream';
import type { BoxJudge } from '../judge/box-judge';

export interface RewardDecision {
  reward: Reward;
  decidedBy: DecidedBy;
  /** The judge's votes, when it decided. */
  votes: (Reward | null)[] | null;
  tally: JudgeTally | null;
  cutAtBudget: number;
  /** The hint to train with: the user's own (explicit), the detector's (only where its reward stands), or the judge's. */
  hint: string | null;
  /** An inferred verdict the detector made but nobody may trust alone (no judge, not a trusted bucket). */
  unsure: boolean;
}

/** Thumbs, inline marks, edits and regenerations: the user said so, and that stands. */
export function isExplicitSample(sample: SignalSample): boolean {
  return sample.rewardSource === 'explicit' || ExplicitKindSchema.safeParse(sample.signalKind).success;
}

/**
 * Who decides the reward a delivered turn trains with (OpenClaw-RL: the PRM judge, m votes, majority):
 *  - explicit signals are the user's own and stand;
 *  - an inferred one is judged from its next state when the box has a judge engine; the app's verdict
 *    travels as evidence only. Its hint stays where the judge agrees it was a correction (the hint was
 *    read from the same words); otherwise the judge's hindsight hint, if any, fills in;
 *  - without a judge engine, an app-side judge's decision stands, and a detector verdict trains only
 *    when the app says its confidence bucket is trusted without a judge (`trainableWithoutJudge`).
 * A next state that is not the user's own words (withheld while a hint awaits review, or gone) cannot
 * be judged: such turns fall back to the no-judge rule.
 */
export async function decideReward(judge: BoxJudge | null, sample: SignalSample, signal?: AbortSignal): Promise<RewardDecision> {
  const base = { votes: null, tally: null, cutAtBudget: 0, unsure: false };
  if (isExplicitSample(sample)) return { ...base, reward: sample.reward, decidedBy: 'user', hint: sample.hint };
  const judgeable = sample.nextState !== null && sample.nextState.role === 'user';
  if (judge && judgeable) {
    const wantHint = sample.hint === null && sample.judgeHintAllowed !== false;
    const verdict = await judge.judgeTurn(sample.messages, sample.response, sample.nextState!, wantHint, signal);
    const hint = verdict.reward === -1 && sample.hint ? sample.hint : sample.judgeHintAllowed === false ? null : verdict.hint;
    return { reward: verdict.reward, decidedBy: 'judge', votes: verdict.votes, tally: verdict.tally, cutAtBudget: verdict.cutAtBudget, hint, unsure: false };
  }
  if (sample.rewardSource === 'judge') return { ...base, reward: sample.reward, decidedBy: 'judge', hint: sample.hint };
  const trusted = sample.trainableWithoutJudge === true;
  return {
    ...base,
    reward: trusted ? sample.reward : 0,
    decidedBy: 'detector',
    hint: trusted ? sample.hint : null,
    unsure: !trusted && (sample.reward !== 0 || sample.hint !== null),
  };
}

import type { InferredLabel, JudgeMode, Reward } from '../../shared/domain';
import { isTrainableWithoutJudge } from './trainable-without-judge';
import type { JudgeVerdict, SignalVerdict } from './types';

export type CombinedVerdict = SignalVerdict & { source: 'heuristic' | 'judge' };

/**
 * off: never; always: every turn; uncertain: every turn the detector could not train alone (neutral, or a
 * bucket measured below 0.8 precision — isTrainableWithoutJudge), or a correction without a rule hint.
 */
export function shouldAskJudge(heuristic: SignalVerdict, mode: JudgeMode): boolean {
  if (mode === 'off') return false;
  if (mode === 'always') return true;
  return !isTrainableWithoutJudge(heuristic) || (heuristic.label === 'correction' && !heuristic.hint);
}

function labelForScore(score: Reward, judgeHint: string | null): InferredLabel {
  if (score === 1) return 'positive';
  if (score === 0) return 'neutral';
  return judgeHint ? 'correction' : 'negative_other';
}

/** Did the valid votes produce a strict majority (as opposed to a tie, which also reads as 0)? */
function decisive(verdict: JudgeVerdict): { decided: boolean; agreeing: number; valid: number } {
  const valid = verdict.votes.filter((v): v is Reward => v !== null);
  const agreeing = valid.filter((v) => v === verdict.score).length;
  const others = [-1, 0, 1].filter((v) => v !== verdict.score).map((v) => valid.filter((x) => x === v).length);
  return { decided: valid.length > 0 && agreeing > Math.max(...others), agreeing, valid: valid.length };
}

/**
 * The combination rule (electron/signals/README.md): the judge decides the reward whenever the mode
 * asked it and its valid votes have a strict majority; otherwise the heuristic stands. A rule hint
 * from the user's own words beats the judge's hint; the judge's hint fills in for non-positive turns.
 */
export function combineVerdicts(heuristic: SignalVerdict, judge: JudgeVerdict | null, mode: JudgeMode): CombinedVerdict {
  const kept: CombinedVerdict = { ...heuristic, evidence: [...heuristic.evidence], source: 'heuristic' };
  if (mode === 'off' || !judge || !shouldAskJudge(heuristic, mode)) return kept;
  const { decided, agreeing, valid } = decisive(judge);
  if (!decided) {
    kept.evidence.push(valid === 0 ? 'judge: no valid vote' : `judge: tie (${valid} valid votes)`);
    return kept;
  }
  const share = agreeing / valid;
  const label = judge.score === heuristic.reward ? heuristic.label : labelForScore(judge.score, judge.hint);
  const reward: Reward = judge.score;
  const confidence = judge.score === heuristic.reward ? Math.max(heuristic.confidence, 0.6 + 0.35 * share) : 0.5 + 0.4 * share;
  const hint = heuristic.hint ?? (reward !== 1 ? judge.hint : null);
  return {
    label,
    reward,
    confidence: Math.round(Math.min(1, confidence) * 100) / 100,
    evidence: [...heuristic.evidence, `judge:${judge.score} (${agreeing}/${valid} votes)`],
    hint,
    source: 'judge',
  };
}

import type { SignalVerdict } from './types';

/**
 * Whether a detector verdict may train when no judge is reachable: only a non-neutral verdict whose
 * confidence bucket has measured precision of at least 0.8. Interim rule (confidence ≥ 0.8) until the
 * calibration table replaces it.
 */
export function isTrainableWithoutJudge(verdict: SignalVerdict): boolean {
  return verdict.reward !== 0 && verdict.confidence >= 0.8;
}

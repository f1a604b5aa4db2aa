import type { Reward } from '../../shared/domain';
import { CALIBRATION_TABLE, type CalibrationBucket } from './calibration-table';

export type { CalibrationBucket } from './calibration-table';
export type Polarity = '+1' | '0' | '-1';

export function polarityOf(reward: Reward): Polarity {
  return reward === 1 ? '+1' : reward === 0 ? '0' : '-1';
}

/**
 * Weight of the project's own eval sets against outside data. They were written inside the project and past
 * rules were tuned on them, so they only fill in for rules that outside chit-chat rarely triggers
 * ("no, I meant …"), and only their never-tuned halves are counted (see calibrate.ts).
 */
export const MINOR_WEIGHT = 0.25;

/** A bucket's evidence: outside counts at full weight, the project's own sets at MINOR_WEIGHT. */
export function weightedCounts(bucket: CalibrationBucket): { correct: number; count: number } {
  return {
    correct: bucket.outside.correct + MINOR_WEIGHT * bucket.minor.correct,
    count: bucket.outside.count + MINOR_WEIGHT * bucket.minor.count,
  };
}

/** Pseudo-verdicts of the prior toward 0.5 (the "plus four" estimate: two right, two wrong). */
export const PRIOR_VERDICTS = 4;

/**
 * A bucket trains on its own only when it rests on at least this many (weighted) labelled verdicts: a
 * handful of lucky hits never makes a rule trainable, whatever its precision (isTrainableWithoutJudge).
 */
export const MIN_EVIDENCE = 10;

/**
 * Precision as a verdict reports it: the posterior mean under a Beta(2, 2) prior, (correct + 2) / (count + 4).
 * Thin buckets are pulled toward 0.5; MIN_EVIDENCE keeps them from training alone.
 */
export function smoothedPrecision(correct: number, count: number): number {
  return Math.round(((correct + PRIOR_VERDICTS / 2) / (count + PRIOR_VERDICTS)) * 100) / 100;
}

export function bucketOf(reward: Reward, raw: number): CalibrationBucket | null {
  return CALIBRATION_TABLE[polarityOf(reward)].find((b) => raw >= b.from && raw < b.to) ?? null;
}

export interface Calibrated {
  /** The bucket's name ('praise', 'strong', …), or null when the table has none for this strength. */
  bucket: string | null;
  confidence: number;
  correct: number;
  count: number;
}

/** Maps a rule's raw strength through the calibration table: confidence = measured precision of its bucket. */
export function calibrate(reward: Reward, raw: number): Calibrated {
  const bucket = bucketOf(reward, raw);
  const { correct, count } = bucket ? weightedCounts(bucket) : { correct: 0, count: 0 };
  return { bucket: bucket?.rule ?? null, confidence: smoothedPrecision(correct, count), correct: Math.round(correct * 100) / 100, count: Math.round(count * 100) / 100 };
}

import { MIN_EVIDENCE } from './calibration';
import type { SignalVerdict } from './types';

/** A detector verdict trains on its own (no judge reachable) only where its bucket measured this precision. */
export const TRAINABLE_PRECISION = 0.8;

/**
 * True only for a non-neutral verdict whose confidence — the measured precision of its calibration bucket
 * (calibration.ts) — is at least 0.8, measured on at least MIN_EVIDENCE labelled verdicts. Everything else is
 * evidence to show, and waits for a judge.
 */
export function isTrainableWithoutJudge(verdict: SignalVerdict): boolean {
  return verdict.reward !== 0 && verdict.confidence >= TRAINABLE_PRECISION && (verdict.evidenceCount ?? 0) >= MIN_EVIDENCE;
}

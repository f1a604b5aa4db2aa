import { describe, expect, it } from 'vitest';
import { classifyFollowUp, isTrainableWithoutJudge, TRAINABLE_PRECISION } from '../../../electron/signals';
import { bucketOf, calibrate, MIN_EVIDENCE, MINOR_WEIGHT, smoothedPrecision, weightedCounts } from '../../../electron/signals/calibration';
import { CALIBRATION_TABLE } from '../../../electron/signals/calibration-table';
import { CALIBRATION_BUCKETS, RULE_STRENGTH } from '../../../electron/signals/read-follow-up';
import { tenKeywordReward } from '../../../electron/signals/eval/keyword-baseline';
import type { SignalVerdict } from '../../../electron/signals/types';

const verdict = (reward: -1 | 0 | 1, confidence: number, evidenceCount = 20): SignalVerdict => ({
  label: reward === 1 ? 'positive' : reward === 0 ? 'neutral' : 'correction',
  reward,
  confidence,
  evidenceCount,
  evidence: [],
  hint: null,
});

describe('isTrainableWithoutJudge', () => {
  it('true only for a non-neutral verdict whose bucket measured at least 0.8 precision', () => {
    expect(TRAINABLE_PRECISION).toBe(0.8);
    expect(isTrainableWithoutJudge(verdict(1, 0.8))).toBe(true);
    expect(isTrainableWithoutJudge(verdict(-1, 0.93))).toBe(true);
    expect(isTrainableWithoutJudge(verdict(1, 0.79))).toBe(false);
    expect(isTrainableWithoutJudge(verdict(-1, 0.5))).toBe(false);
    expect(isTrainableWithoutJudge(verdict(0, 0.99))).toBe(false);
  });

  it('never on thin evidence: a bucket needs at least MIN_EVIDENCE labelled verdicts', () => {
    expect(MIN_EVIDENCE).toBe(10);
    expect(isTrainableWithoutJudge(verdict(-1, 0.9, 9.75))).toBe(false);
    expect(isTrainableWithoutJudge(verdict(-1, 0.9, 10))).toBe(true);
    const { evidenceCount, ...withoutCount } = verdict(1, 0.95);
    expect(evidenceCount).toBe(20);
    expect(isTrainableWithoutJudge(withoutCount)).toBe(false);
  });

  it('classifyFollowUp carries the evidence its confidence rests on', () => {
    const strong = classifyFollowUp({ context: [{ role: 'user', content: 'What is the capital of Austria?' }], assistant: 'Sydney is the capital of Australia.', nextUser: "No, I meant the capital of Austria, that's not what I asked" });
    expect(strong.reward).toBe(-1);
    const { correct, count } = weightedCounts(bucketOf(-1, 0.85)!);
    expect(strong.evidenceCount).toBe(Math.round(count * 100) / 100);
    expect(strong.confidence).toBe(smoothedPrecision(correct, count));
    // The committed table puts the strong −1 rules at ≥ 0.8 on ≥ 10 verdicts; a bare "what?" (6 verdicts) stays out.
    expect(isTrainableWithoutJudge(strong)).toBe(true);
    const confused = classifyFollowUp({ context: [{ role: 'user', content: 'What is the capital of Austria?' }], assistant: 'Vienna.', nextUser: 'what?' });
    expect(confused.reward).toBe(-1);
    expect(isTrainableWithoutJudge(confused)).toBe(false);
  });
});

describe('calibration: confidence is the measured precision of the rule\'s bucket', () => {
  it('the plus-four estimate: (correct + 2) / (count + 4), so no evidence is 0.5 and thin buckets stay below their raw rate', () => {
    expect(smoothedPrecision(0, 0)).toBe(0.5);
    expect(smoothedPrecision(6, 6)).toBe(0.8);
    expect(smoothedPrecision(3, 5)).toBe(0.56);
    expect(smoothedPrecision(20, 20)).toBe(0.92);
    expect(smoothedPrecision(30, 60)).toBe(0.5);
  });

  it("the project's own sets count at a quarter of outside data", () => {
    expect(MINOR_WEIGHT).toBe(0.25);
    expect(weightedCounts({ rule: 'x', from: 0, to: 1, outside: { correct: 3, count: 5 }, minor: { correct: 40, count: 40 } })).toEqual({ correct: 13, count: 15 });
  });

  it('the committed table has exactly the buckets the rules define (recalibrate after changing them)', () => {
    for (const polarity of ['+1', '-1', '0'] as const) {
      const expected = CALIBRATION_BUCKETS[polarity].map((b, i, all) => ({ rule: b.name, from: b.from, to: all[i + 1]?.from ?? 1.01 }));
      expect(CALIBRATION_TABLE[polarity].map(({ rule, from, to }) => ({ rule, from, to }))).toEqual(expected);
    }
  });

  it('every rule lands in a bucket of its own polarity, and calibrate reads that bucket', () => {
    const polarity = { praise: 1, directive: -1, reask: -1, complaint: -1, repeatedError: -1, sarcasm: -1, confusion: -1 } as const;
    for (const [rule, strength] of Object.entries(RULE_STRENGTH) as Array<[keyof typeof polarity, number]>) {
      const bucket = bucketOf(polarity[rule], strength);
      expect(bucket, rule).not.toBeNull();
      const { correct, count } = weightedCounts(bucket!);
      expect(calibrate(polarity[rule], strength).confidence).toBe(smoothedPrecision(correct, count));
    }
    expect(bucketOf(0, 0.5)?.rule).toBe('abstain');
  });
});

describe('the ten-keyword baseline', () => {
  it('thanks/great/perfect/awesome → +1; no/wrong/not/didn\'t/again → −1, which wins; else 0', () => {
    expect(tenKeywordReward('Thank you!')).toBe(1);
    expect(tenKeywordReward('perfect')).toBe(1);
    expect(tenKeywordReward('thanks, but no')).toBe(-1);
    expect(tenKeywordReward('that didn’t work')).toBe(-1);
    expect(tenKeywordReward('try again')).toBe(-1);
    expect(tenKeywordReward('nothing notable, greatest hits')).toBe(0);
    expect(tenKeywordReward('explain the tagging process')).toBe(0);
  });
});

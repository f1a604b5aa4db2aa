import { describe, expect, it } from 'vitest';
import { combineVerdicts, shouldAskJudge } from '../../../electron/signals';
import type { JudgeVerdict, SignalVerdict } from '../../../electron/signals/types';

const unsureNeutral: SignalVerdict = { label: 'neutral', reward: 0, confidence: 0.45, evidence: ['language:en', 'no clear signal'], hint: null };
const sureThanks: SignalVerdict = { label: 'positive', reward: 1, confidence: 0.85, evidenceCount: 30, evidence: ['cue:"thanks"'], hint: null };
const ruleCorrection: SignalVerdict = { label: 'correction', reward: -1, confidence: 0.8, evidenceCount: 16.5, evidence: ['directive:meant'], hint: 'The user meant grams.' };

function judge(votes: JudgeVerdict['votes'], score: JudgeVerdict['score'], hint: string | null = null): JudgeVerdict {
  return { votes, score, hint, errors: [] };
}

describe('shouldAskJudge', () => {
  it('off never, always always, uncertain when unsure or a correction lacks a hint', () => {
    expect(shouldAskJudge(unsureNeutral, 'off')).toBe(false);
    expect(shouldAskJudge(sureThanks, 'always')).toBe(true);
    expect(shouldAskJudge(unsureNeutral, 'uncertain')).toBe(true);
    expect(shouldAskJudge(sureThanks, 'uncertain')).toBe(false);
    expect(shouldAskJudge(ruleCorrection, 'uncertain')).toBe(false);
    expect(shouldAskJudge({ ...ruleCorrection, hint: null }, 'uncertain')).toBe(true);
  });
});

describe('combineVerdicts', () => {
  it('off or no judge verdict: the heuristic stands', () => {
    expect(combineVerdicts(unsureNeutral, judge([-1, -1, -1], -1), 'off')).toEqual({ ...unsureNeutral, source: 'heuristic' });
    expect(combineVerdicts(unsureNeutral, null, 'always')).toEqual({ ...unsureNeutral, source: 'heuristic' });
  });

  it('uncertain: a confident heuristic is not overruled', () => {
    const combined = combineVerdicts(sureThanks, judge([-1, -1, -1], -1), 'uncertain');
    expect(combined).toMatchObject({ label: 'positive', reward: 1, source: 'heuristic' });
  });

  it('uncertain: an unsure heuristic takes the judge\'s majority, with its hint on a negative turn', () => {
    const combined = combineVerdicts(unsureNeutral, judge([-1, -1, 1], -1, 'Give amounts in grams.'), 'uncertain');
    expect(combined).toMatchObject({ label: 'correction', reward: -1, source: 'judge', hint: 'Give amounts in grams.' });
    expect(combined.evidence).toContain('judge:-1 (2/3 votes)');
    expect(combined.confidence).toBeGreaterThan(0.5);
  });

  it('a negative judge without a hint makes negative_other; a positive judge makes positive', () => {
    expect(combineVerdicts(unsureNeutral, judge([-1, -1, -1], -1), 'always').label).toBe('negative_other');
    expect(combineVerdicts(unsureNeutral, judge([1, 1, 0], 1, 'ignored hint for a positive turn'), 'always')).toMatchObject({ label: 'positive', reward: 1, hint: null });
  });

  it('always: the judge overrules even a confident heuristic', () => {
    const combined = combineVerdicts(sureThanks, judge([-1, -1, -1], -1), 'always');
    expect(combined).toMatchObject({ reward: -1, source: 'judge', label: 'negative_other' });
  });

  it('agreement keeps the more specific heuristic label and its rule hint', () => {
    const combined = combineVerdicts(ruleCorrection, judge([-1, -1, -1], -1, 'A judge hint that loses to the rule hint.'), 'always');
    expect(combined).toMatchObject({ label: 'correction', reward: -1, hint: 'The user meant grams.', source: 'judge' });
    expect(combined.confidence).toBeGreaterThanOrEqual(ruleCorrection.confidence);
  });

  it('a tie or no valid vote leaves the heuristic in place and says so', () => {
    const tie = combineVerdicts(unsureNeutral, judge([1, -1], 0), 'always');
    expect(tie).toMatchObject({ label: 'neutral', source: 'heuristic' });
    expect(tie.evidence).toContain('judge: tie (2 valid votes)');
    const none = combineVerdicts(sureThanks, { votes: [null, null, null], score: 0, hint: null, errors: ['timed out'] }, 'always');
    expect(none).toMatchObject({ label: 'positive', reward: 1, source: 'heuristic' });
    expect(none.evidence).toContain('judge: no valid vote');
  });

  it('a strict majority of 0 votes makes the turn neutral', () => {
    expect(combineVerdicts(sureThanks, judge([0, 0, 1], 0), 'always')).toMatchObject({ label: 'neutral', reward: 0, source: 'judge' });
  });

  it('does not mutate its inputs', () => {
    const before = structuredClone(unsureNeutral);
    combineVerdicts(unsureNeutral, judge([1, -1], 0), 'always');
    expect(unsureNeutral).toEqual(before);
  });
});

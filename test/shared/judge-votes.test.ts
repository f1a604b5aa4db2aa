import { describe, expect, it } from 'vitest';
import { bestHint, lastBoxedScore, lastHint, majorityVote } from '../../shared/judge-votes';

describe('judge votes', () => {
  it('the last \\boxed{n} counts; anything but -1, 0, 1 is no vote', () => {
    expect(lastBoxedScore('\\boxed{1}')).toBe(1);
    expect(lastBoxedScore('first \\boxed{1}, on reflection \\boxed{-1}')).toBe(-1);
    expect(lastBoxedScore('\\boxed{ 0 }')).toBe(0);
    expect(lastBoxedScore('\\boxed{+1}')).toBe(1);
    expect(lastBoxedScore('\\boxed{2}')).toBeNull();
    expect(lastBoxedScore('\\boxed{1} then \\boxed{5}')).toBeNull();
    expect(lastBoxedScore('score: 1')).toBeNull();
    expect(lastBoxedScore('')).toBeNull();
  });

  it('the last hint block counts, trimmed', () => {
    expect(lastHint('[HINT_START] a [HINT_END] then [HINT_START]\n Use grams. \n[HINT_END]')).toBe('Use grams.');
    expect(lastHint('[HINT_START][HINT_END]')).toBeNull();
    expect(lastHint('no hint')).toBeNull();
  });

  it('majority of valid votes wins; ties and no valid vote give 0', () => {
    expect(majorityVote([1, 1, -1])).toBe(1);
    expect(majorityVote([-1, null, -1, 1])).toBe(-1);
    expect(majorityVote([1, -1])).toBe(0);
    expect(majorityVote([1, -1, 0])).toBe(0);
    expect(majorityVote([0, 0, 1])).toBe(0);
    expect(majorityVote([null, null, 1])).toBe(1);
    expect(majorityVote([null, null])).toBe(0);
    expect(majorityVote([])).toBe(0);
  });

  it('best hint: the longest over 10 characters among positive votes', () => {
    expect(
      bestHint([
        { score: 1, hint: 'Use grams.' },
        { score: 1, hint: 'Give every amount in grams and every temperature in Celsius.' },
        { score: -1, hint: 'A much longer hint from a negative vote that must not be picked at all.' },
        { score: null, hint: 'Another long hint from a vote without a valid decision here.' },
      ]),
    ).toBe('Give every amount in grams and every temperature in Celsius.');
    expect(bestHint([{ score: 1, hint: 'too short' }])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { learningNoticeText } from '../../renderer/data/learning-notice';

describe('learningNoticeText', () => {
  it('counts down from the box estimate and falls back to "shortly"', () => {
    expect(learningNoticeText(42_000, 1_000, 1_000)).toBe('Learning… replies resume in ~42 s');
    expect(learningNoticeText(42_000, 1_000, 31_500)).toBe('Learning… replies resume in ~12 s');
    expect(learningNoticeText(42_000, 1_000, 43_000)).toBe('Learning… replies resume shortly');
    expect(learningNoticeText(null, 1_000, 1_000)).toBe('Learning… replies resume shortly');
  });
});

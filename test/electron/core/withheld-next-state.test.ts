import { describe, expect, it } from 'vitest';
import { withheldNextState } from '../../../electron/core/withheld-next-state';

describe('withheldNextState', () => {
  it('names what the user did, never what they wrote', () => {
    expect(withheldNextState('thumb_down', -1)).toEqual({ role: 'feedback', content: expect.stringMatching(/details withheld by the user\)$/) });
    expect(withheldNextState('inline_mark', -1)?.content).toBe('inline correction (details withheld by the user)');
  });

  it('leaves a reward-0 sample without a next state, so the box judge has nothing of ours to score', () => {
    expect(withheldNextState('neutral', 0)).toBeNull();
  });
});

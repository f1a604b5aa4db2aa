import { describe, expect, it } from 'vitest';
import { describeTally, tallyVotes } from '../../shared/judge-votes';
import { trustWords } from '../../shared/trust-words';

describe('who decided a signal and whether it trains, in words', () => {
  it('counts judge votes as people say them', () => {
    expect(describeTally(tallyVotes([-1, -1, -1]))).toBe('3-0');
    expect(describeTally(tallyVotes([1, -1, 1]))).toBe('2-1');
    expect(describeTally(tallyVotes([1, -1, 0]))).toBe('1-1-1');
    expect(describeTally(tallyVotes([1, null, null]))).toBe('1-0, 2 invalid');
    expect(describeTally(tallyVotes([null, null, null]))).toBe('0-0, 3 invalid');
  });

  it('says who decided and whether it trains, and nothing about who when nothing trains', () => {
    const tally = tallyVotes([-1, -1, -1]);
    expect(trustWords({ decidedBy: 'judge', judgeTally: tally, fate: 'will_train' })).toBe('judge 3-0 · will train');
    expect(trustWords({ decidedBy: 'user', judgeTally: null, fate: 'trained' })).toBe('you · trained');
    expect(trustWords({ decidedBy: 'detector', judgeTally: null, fate: 'unsure' })).toBe('unsure — not trained');
    expect(trustWords({ decidedBy: 'user', judgeTally: null, fate: 'not_from_policy' })).toBe("not from your box's model — not trained");
    expect(trustWords({ decidedBy: 'detector', judgeTally: null, fate: 'awaiting_judge' })).toBe('judge pending');
  });
});

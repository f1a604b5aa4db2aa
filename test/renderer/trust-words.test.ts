import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../shared/domain';
import { describeTally, tallyVotes } from '../../shared/judge-votes';
import { trustWords } from '../../shared/trust-words';
import { eventFacts } from '../../renderer/timeline/describe-event';

function event(kind: TimelineEvent['kind'], data: Record<string, unknown>): TimelineEvent {
  return { seq: 1, id: 'e', personaId: 'p', kind, sampleId: null, messageId: null, summary: '', data, createdAt: 1 };
}

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

  it('shows the box verdict of a progress event, and the trust of a signal event, as timeline facts', () => {
    const verdict = { decidedBy: 'judge', reward: -1, judgeTally: { plus: 0, minus: 3, zero: 0, invalid: 0 }, fate: 'will_train' };
    const facts = new Map(eventFacts(event('sample_ready', { metrics: { reward: -1 }, verdict })));
    expect(facts.get('decided by')).toBe('judge 3-0');
    expect(facts.get('trains')).toBe('will train');
    const signal = new Map(eventFacts(event('signal', { kind: 'thumb_up', reward: 1, source: 'explicit', decidedBy: 'user', judgeTally: null, fate: 'not_from_policy' })));
    expect(signal.get('decided by')).toBe('you');
    expect(signal.get('trains')).toBe("not from your box's model — not trained");
    // Events from older versions without these fields show no such facts.
    expect(new Map(eventFacts(event('signal', { kind: 'positive', reward: 1 }))).has('trains')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../shared/domain';
import { browserIpcUrl } from '../../renderer/ipc/browser-ipc-url';
import { feedbackByMessage } from '../../renderer/data/message-signals';
import { retrySecondsLeft } from '../../renderer/data/retry-countdown';
import { eventFacts, eventHint } from '../../renderer/timeline/describe-event';
import { bucketWidth, signalBuckets, trainingPoints } from '../../renderer/timeline/timeline-chart-data';

let seq = 0;
function event(kind: TimelineEvent['kind'], data: Record<string, unknown>, createdAt = 1_000): TimelineEvent {
  seq += 1;
  return { seq, id: `e${seq}`, personaId: 'p1', kind, sampleId: null, messageId: null, summary: kind, data, createdAt };
}

describe('timeline chart data', () => {
  it('reads reward mean and loss per training step, sorted, skipping events without a step', () => {
    const points = trainingPoints([
      event('training_step', { step: 2, metrics: { reward_mean: 0.5, loss: 0.1 }, policyVersion: 'v2' }),
      event('training_step', { step: 1, metrics: { reward_mean: -0.25, loss: 0.3 } }),
      event('training_step', { metrics: { loss: 9 } }),
      event('signal', { reward: 1 }),
    ]);
    expect(points).toEqual([
      { step: 1, reward: -0.25, loss: 0.3, policyVersion: null },
      { step: 2, reward: 0.5, loss: 0.1, policyVersion: 'v2' },
    ]);
  });

  it('counts signals per time bucket by reward sign', () => {
    const buckets = signalBuckets([
      event('signal', { reward: 1 }, 60_000),
      event('signal', { reward: -1 }, 61_000),
      event('signal', { reward: 0 }, 62_000),
      event('signal', { reward: -1 }, 185_000),
      event('delivered', {}, 62_000),
    ]);
    expect(buckets).toEqual([
      { at: 60_000, positive: 1, negative: 1, neutral: 1 },
      { at: 180_000, positive: 0, negative: 1, neutral: 0 },
    ]);
    expect(bucketWidth(10 * 86_400_000)).toBe(86_400_000);
  });

  it('counts live signals like timeline:stats: judge signals in, replaced signals out', () => {
    const at = 60_000;
    const buckets = signalBuckets([
      // A heuristic +1 that a judge overruled with −1, which a thumb up then replaced.
      event('signal', { signalId: 's1', reward: 1, supersedes: null, supersededIds: [] }, at),
      event('judge', { signalId: 's2', reward: -1, supersedes: 's1', supersededIds: ['s1'] }, at + 1_000),
      event('signal', { signalId: 's3', reward: 1, supersedes: 's2', supersededIds: ['s2'] }, at + 2_000),
      // A judge verdict nothing replaced, and one signal that replaced two (only the newest named in `supersedes`).
      event('judge', { signalId: 's4', reward: 0, supersedes: 's0', supersededIds: ['s0'] }, at + 3_000),
      event('signal', { signalId: 's5', reward: -1, supersedes: null, supersededIds: [] }, at + 4_000),
      event('signal', { signalId: 's6', reward: -1, supersedes: null, supersededIds: [] }, at + 4_500),
      event('signal', { signalId: 's7', reward: -1, supersedes: 's6', supersededIds: ['s5', 's6', 42] }, at + 5_000),
      // Other events name signals too, but replace nothing.
      event('hint_reviewed', { signalId: 's9', supersedes: 's7' }, at),
    ]);
    expect(buckets).toEqual([{ at, positive: 1, negative: 1, neutral: 1 }]);
  });

  it('describes events defensively', () => {
    const step = event('training_step', { step: 3, metrics: { reward_mean: 0.123456, loss: 2 }, policyVersion: 'v3' });
    expect(eventFacts(step)).toEqual([
      ['step', '3'],
      ['reward mean', '0.1235'],
      ['loss', '2'],
      ['policy', 'v3'],
    ]);
    expect(eventHint(event('hint', { text: 'Answer in French.' }))).toBe('Answer in French.');
    expect(eventHint(event('signal', { hint: 42 }))).toBeNull();
  });
});

describe('small renderer helpers', () => {
  it('builds the browser-mode ws URL from the page URL, with no token in it', () => {
    expect(browserIpcUrl('http://127.0.0.1:5217/?x=1#token=abcdefghijklmnop')).toBe('ws://127.0.0.1:5217/ipc');
    expect(browserIpcUrl('http://127.0.0.1:5217/')).toBe('ws://127.0.0.1:5217/ipc');
  });

  it('counts the retry down from when the status arrived', () => {
    expect(retrySecondsLeft(5_000, 10_000, 11_200)).toBe(4);
    expect(retrySecondsLeft(5_000, 10_000, 99_000)).toBe(0);
    expect(retrySecondsLeft(null, 10_000, 11_000)).toBeNull();
  });

  it('shows the signal nothing superseded, with its hint', () => {
    const base = { personaId: 'p', conversationId: 'c', messageId: 'm1', confidence: 1, evidence: [], triggerMessageId: null, decidedBy: 'user' as const, judgeTally: null, fate: 'will_train' as const, removedAt: null };
    const inferred = { ...base, id: 's1', kind: 'correction' as const, reward: -1 as const, source: 'heuristic' as const, supersededBy: 's2', createdAt: 1 };
    const explicit = { ...base, id: 's2', kind: 'thumb_up' as const, reward: 1 as const, source: 'explicit' as const, supersededBy: null, createdAt: 2 };
    const hint = { id: 'h1', signalId: 's2', personaId: 'p', messageId: 'm1', text: 'Be brief.', source: 'user' as const, status: 'auto' as const, createdAt: 2, updatedAt: 2 };
    const map = feedbackByMessage([inferred, explicit], [hint]);
    expect(map.get('m1')).toEqual({ signal: explicit, hint });
  });
});

import { describe, expect, it } from 'vitest';
import { PolicyState } from '../../../box/gateway/policy-state';

describe('PolicyState', () => {
  it('counts streaming replies and lets a push wait until they are done', async () => {
    const policy = new PolicyState();
    const endA = policy.beginReply();
    const endB = policy.beginReply();
    expect(policy.activeReplies).toBe(2);
    let drained: number | null = null;
    const waiting = policy.waitForRepliesToFinish(10_000).then((left) => (drained = left));
    endA();
    endA(); // ending twice counts once
    await Promise.resolve();
    expect(drained).toBeNull();
    endB();
    expect(await waiting).toBe(0);
    expect(policy.activeReplies).toBe(0);
  });

  it('gives up draining after the timeout and says how many replies still stream', async () => {
    const policy = new PolicyState();
    policy.beginReply();
    expect(await policy.waitForRepliesToFinish(20)).toBe(1);
    expect(await policy.waitForRepliesToFinish(0)).toBe(1);
    const gone = new AbortController();
    const aborted = policy.waitForRepliesToFinish(60_000, gone.signal);
    gone.abort();
    expect(await aborted).toBe(1);
  });

  it('estimates when chat resumes from the updates that finished, not from ones that were abandoned', () => {
    let now = 0;
    const policy = new PolicyState(null, () => now);
    policy.beginWeightUpdate();
    expect(policy.expectedResumeInMs()).toBeNull(); // nothing known yet
    now = 30_000;
    policy.finishWeightUpdate('2');
    policy.beginWeightUpdate();
    now += 50_000;
    policy.finishWeightUpdate('3');
    expect(policy.expectedResumeInMs()).toBeNull(); // serving

    policy.beginWeightUpdate();
    now += 10_000;
    expect(policy.expectedResumeInMs()).toBe(30_000); // mean 40 s, 10 s gone
    policy.beginWeightUpdate(); // a second announcement does not restart the clock
    now += 35_000;
    expect(policy.expectedResumeInMs()).toBeNull(); // longer than usual: no promise

    policy.finishWeightUpdate(null, false); // lifted by the watchdog: not a duration
    policy.beginWeightUpdate();
    expect(policy.expectedResumeInMs()).toBe(40_000);
  });
});

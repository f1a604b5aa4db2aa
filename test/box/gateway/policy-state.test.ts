import { describe, expect, it } from 'vitest';
import { PolicyState } from '../../../box/gateway/policy-state';

describe('PolicyState', () => {
  it('counts streaming replies and lets a push wait until they are done', async () => {
    const policy = new PolicyState();
    const endA = policy.beginReply();
    const endB = policy.beginReply();
    expect(policy.activeReplies).toBe(2);
    let drained: number | null = null;
    const waiting = policy.waitForEngineIdle(10_000).then((left) => (drained = left.replies));
    endA();
    endA(); // ending twice counts once
    await Promise.resolve();
    expect(drained).toBeNull();
    endB();
    expect(await waiting).toBe(0);
    expect(drained).toBe(0);
    expect(policy.activeReplies).toBe(0);
  });

  it('gives up draining after the timeout and says how many replies still stream', async () => {
    const policy = new PolicyState();
    policy.beginReply();
    expect(await policy.waitForEngineIdle(20)).toEqual({ replies: 1, builds: 0 });
    expect(await policy.waitForEngineIdle(0)).toEqual({ replies: 1, builds: 0 });
    const gone = new AbortController();
    const aborted = policy.waitForEngineIdle(60_000, gone.signal);
    gone.abort();
    expect(await aborted).toEqual({ replies: 1, builds: 0 });
  });

  it('waits for sample builds on the engine as well as for replies', async () => {
    const policy = new PolicyState();
    const endReply = policy.beginReply();
    const endBuild = policy.beginBuild();
    let left: unknown = null;
    const waiting = policy.waitForEngineIdle(10_000).then((l) => (left = l));
    endReply();
    await Promise.resolve();
    expect(left).toBeNull(); // the build still uses the engine
    expect(policy.activeBuilds).toBe(1);
    endBuild();
    expect(await waiting).toEqual({ replies: 0, builds: 0 });
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

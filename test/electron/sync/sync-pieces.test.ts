import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/store/open-database';
import { boxStreamUrl } from '../../../electron/sync/box-stream-url';
import { progressTimelineEvent } from '../../../electron/sync/progress-timeline-event';
import { ReconnectBackoff } from '../../../electron/sync/reconnect-backoff';
import { SyncStateRepository } from '../../../electron/sync/sync-state-repository';
import { makeTempDir } from './link-harness';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

describe('boxStreamUrl', () => {
  it('maps http to ws and https to wss, keeping a path prefix', () => {
    expect(boxStreamUrl('http://gpu-box:8787')).toBe('ws://gpu-box:8787/v1/stream');
    expect(boxStreamUrl('https://box.example.com/apprentice/')).toBe('wss://box.example.com/apprentice/v1/stream');
    expect(boxStreamUrl(' http://127.0.0.1:9/?x=1#y ')).toBe('ws://127.0.0.1:9/v1/stream');
  });

  it('explains URLs it cannot use', () => {
    expect(() => boxStreamUrl('gpu-box:8787x')).toThrow(/http/);
    expect(() => boxStreamUrl('not a url')).toThrow(/not a valid box URL/);
    expect(() => boxStreamUrl('ftp://box')).toThrow(/http:\/\/ or https:\/\//);
  });
});

describe('ReconnectBackoff', () => {
  it('doubles up to the cap with jitter in [ceiling/2, ceiling], and resets', () => {
    const low = new ReconnectBackoff({ initialMs: 500, maxMs: 30_000, random: () => 0 });
    expect(Array.from({ length: 9 }, () => low.next())).toEqual([250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    const high = new ReconnectBackoff({ initialMs: 500, maxMs: 30_000, random: () => 0.999_999 });
    const highs = Array.from({ length: 9 }, () => high.next());
    expect(highs).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    high.reset();
    expect(high.next()).toBe(500);
  });

  it('spreads real random delays within the band', () => {
    const backoff = new ReconnectBackoff({ initialMs: 1000, maxMs: 1000 });
    const delays = Array.from({ length: 200 }, () => backoff.next());
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    expect(new Set(delays).size).toBeGreaterThan(20);
  });

  it('refuses nonsense settings', () => {
    expect(() => new ReconnectBackoff({ initialMs: 0, maxMs: 10 })).toThrow(/invalid backoff/);
    expect(() => new ReconnectBackoff({ initialMs: 100, maxMs: 10 })).toThrow(/invalid backoff/);
  });
});

describe('SyncStateRepository', () => {
  it('keeps one client id, a forward-only progress seq and the policy version across connections', () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const a = openDatabase(temp.dbFile);
    const stateA = new SyncStateRepository(a);
    const id = stateA.clientId();
    expect(id).toMatch(/^app-/);
    expect(stateA.clientId()).toBe(id);
    expect(stateA.progressAfter()).toBe(0);
    stateA.advanceProgressAfter(7);
    stateA.advanceProgressAfter(3);
    stateA.setPolicyVersion('v3');
    a.close();

    const b = openDatabase(temp.dbFile);
    cleanups.push(() => b.close());
    const stateB = new SyncStateRepository(b);
    expect(stateB.clientId()).toBe(id);
    expect(stateB.progressAfter()).toBe(7);
    expect(stateB.policyVersion()).toBe('v3');
  });
});

describe('progressTimelineEvent', () => {
  it('derives a stable id and readable summaries', () => {
    const event = progressTimelineEvent({
      seq: 9,
      kind: 'policy_version',
      personaId: 'p',
      sampleIds: ['a', 'b'],
      step: 4,
      policyVersion: 'step-4',
      metrics: { loss: 1 },
      message: '  ',
      at: 1234,
    });
    expect(event).toMatchObject({
      id: 'progress:9:p',
      kind: 'policy_version',
      sampleId: null,
      summary: 'Now serving policy step-4',
      createdAt: 1234,
      data: { metrics: { loss: 1 }, step: 4, policyVersion: 'step-4', sampleIds: ['a', 'b'], progressSeq: 9 },
    });
  });
});

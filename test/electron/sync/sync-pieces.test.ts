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
    expect(stateA.progressAfter(null)).toBe(0);
    stateA.advanceProgressAfter(null, 7);
    stateA.advanceProgressAfter(null, 3);
    stateA.setPolicyVersion(null, 'v3');
    a.close();

    const b = openDatabase(temp.dbFile);
    cleanups.push(() => b.close());
    const stateB = new SyncStateRepository(b);
    expect(stateB.clientId()).toBe(id);
    expect(stateB.progressAfter(null)).toBe(7);
    expect(stateB.policyVersion(null)).toBe('v3');
  });

  it('keeps a cursor and policy version per box; the first box with an id inherits the ones kept before ids', () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const db = openDatabase(temp.dbFile);
    cleanups.push(() => db.close());
    const state = new SyncStateRepository(db);
    state.advanceProgressAfter(null, 12);
    state.setPolicyVersion(null, 'old-v');
    expect(state.currentBoxId()).toBeNull();

    state.useBox('box-a');
    expect(state.currentBoxId()).toBe('box-a');
    expect(state.progressAfter('box-a')).toBe(12);
    expect(state.policyVersion('box-a')).toBe('old-v');
    state.advanceProgressAfter('box-a', 15);

    // Another box starts from nothing, and does not touch box-a's cursor.
    state.useBox('box-b');
    expect(state.progressAfter('box-b')).toBe(0);
    expect(state.policyVersion('box-b')).toBeNull();
    state.advanceProgressAfter('box-b', 2);
    state.setPolicyVersion('box-b', 'b-v1');

    // Back to box-a, or via a box without an id to a brand-new box: nothing is inherited again.
    state.useBox('box-a');
    expect(state.progressAfter('box-a')).toBe(15);
    state.useBox(null);
    expect(state.currentBoxId()).toBeNull();
    state.useBox('box-c');
    expect(state.progressAfter('box-c')).toBe(0);
    expect(state.policyVersion('box-c')).toBeNull();
    expect(state.progressAfter('box-b')).toBe(2);
    expect(state.policyVersion('box-b')).toBe('b-v1');
  });
});

describe('progressTimelineEvent', () => {
  it('derives a stable id and readable summaries', () => {
    const progress = {
      seq: 9,
      kind: 'policy_version' as const,
      personaId: 'p',
      sampleIds: ['a', 'b'],
      step: 4,
      policyVersion: 'step-4',
      metrics: { loss: 1 },
      message: '  ',
      at: 1234,
    };
    expect(progressTimelineEvent(progress, 'box-1')).toMatchObject({
      id: 'progress:box-1:9:p',
      kind: 'policy_version',
      sampleId: null,
      summary: 'Now serving policy step-4',
      createdAt: 1234,
      data: { metrics: { loss: 1 }, step: 4, policyVersion: 'step-4', sampleIds: ['a', 'b'], progressSeq: 9, boxId: 'box-1' },
    });
    // The same seq from another box is another event; a box without an id keeps the old ids.
    expect(progressTimelineEvent(progress, 'box-2').id).toBe('progress:box-2:9:p');
    expect(progressTimelineEvent(progress, null).id).toBe('progress:9:p');
  });
});

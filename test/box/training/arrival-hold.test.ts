import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBoxDatabase } from '../../../box/gateway/box-database';
import { ArrivalHold } from '../../../box/training/arrival-hold';
import { SampleBuildWorker } from '../../../box/training/sample-build-worker';
import { TrainingQueue } from '../../../box/training/training-queue';
import { makeSample } from '../gateway/gateway-fixture';

describe('ArrivalHold', () => {
  it('holds builds until arrivals have been quiet for a while', () => {
    const hold = new ArrivalHold(50, 3_000);
    expect(hold.holdFor(1_000)).toBe(0);
    hold.arrived(1_000);
    expect(hold.holdFor(1_010)).toBe(40);
    expect(hold.holdFor(1_049)).toBe(1);
    expect(hold.holdFor(1_050)).toBe(0);
  });

  it('lets builds run under a steady stream once they have waited the longest hold, and holds again after a quiet spell', () => {
    const hold = new ArrivalHold(50, 3_000);
    let now = 0;
    for (; now < 3_000; now += 10) {
      hold.arrived(now);
      expect(hold.holdFor(now)).toBe(50);
    }
    hold.arrived(now);
    expect(hold.holdFor(now)).toBe(0);
    hold.arrived(now + 10);
    expect(hold.holdFor(now + 10)).toBe(0);
    // Quiet for a moment: the next burst holds builds again.
    expect(hold.holdFor(now + 100)).toBe(0);
    hold.arrived(now + 200);
    expect(hold.holdFor(now + 210)).toBe(40);
  });
});

describe('SampleBuildWorker with a hold', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('starts no build while held, and builds once the hold lifts', async () => {
    dir = mkdtempSync(join(tmpdir(), 'apprentice-hold-'));
    const db = openBoxDatabase(join(dir, 'box.sqlite'));
    const queue = new TrainingQueue(db);
    const started: string[] = [];
    let held = true;
    const worker = new SampleBuildWorker({
      queue,
      build: async (sample) => {
        started.push(sample.sampleId);
        return {
          samples: [],
          retokenizedBecause: null,
          rescoredBecause: null,
          servedTemperature: null,
          judgeVotes: null,
          regenerationErrors: [],
          notFromPolicyBecause: null,
          verdict: { decidedBy: 'user', reward: 1, judgeTally: null, fate: 'will_train' },
          judgeHint: null,
          judgeCutAtBudget: 0,
        };
      },
      publish: () => undefined,
      log: () => undefined,
      concurrency: 2,
      maxAttempts: 3,
      maxServerErrors: 3,
      retryBaseMs: 10,
      retryMaxMs: 100,
      holdFor: () => (held ? 20 : 0),
    });
    try {
      queue.addSource(makeSample({ sampleId: 'a' }));
      worker.kick();
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(started).toEqual([]);
      held = false;
      for (const deadline = Date.now() + 2_000; started.length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(started).toEqual(['a']);
      await worker.idle();
      expect(queue.sourceState('a')).toMatchObject({ state: 'built' });
    } finally {
      await worker.close();
      db.close();
    }
  });
});


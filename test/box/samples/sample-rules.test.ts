import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../../../box/samples/concurrency-limit';
import { regeneratedSampleId } from '../../../box/samples/build-trainer-samples';
import { isTrainable, lossMaskFor } from '../../../box/samples/loss-mask';
import { appendHintToMessages, HINT_MARKER } from '../../../box/samples/teacher-prompt';

describe('lossMaskFor', () => {
  it("follows OpenClaw-RL: no next state or reward 0 masks everything", () => {
    expect(lossMaskFor({ responseLength: 3, reward: 1, hasNextState: true, hasTeacherLogprobs: false })).toEqual([1, 1, 1]);
    expect(lossMaskFor({ responseLength: 3, reward: -1, hasNextState: true, hasTeacherLogprobs: false })).toEqual([1, 1, 1]);
    expect(lossMaskFor({ responseLength: 3, reward: 0, hasNextState: true, hasTeacherLogprobs: false })).toEqual([0, 0, 0]);
    expect(lossMaskFor({ responseLength: 2, reward: 1, hasNextState: false, hasTeacherLogprobs: false })).toEqual([0, 0]);
  });

  it('keeps a reward-0 sample that has teacher log-probs (it still teaches through OPD)', () => {
    expect(lossMaskFor({ responseLength: 2, reward: 0, hasNextState: true, hasTeacherLogprobs: true })).toEqual([1, 1]);
    expect(lossMaskFor({ responseLength: 2, reward: 0, hasNextState: false, hasTeacherLogprobs: true })).toEqual([1, 1]);
    expect(isTrainable([0, 0])).toBe(false);
    expect(isTrainable([0, 1])).toBe(true);
    expect(isTrainable([])).toBe(false);
  });
});

describe('appendHintToMessages', () => {
  it('appends the hint to the last user message only, leaving the input untouched', () => {
    const messages = [
      { role: 'system' as const, content: 'sys' },
      { role: 'user' as const, content: 'first' },
      { role: 'assistant' as const, content: 'reply' },
      { role: 'user' as const, content: 'second' },
    ];
    const out = appendHintToMessages(messages, '  be brief  ');
    expect(out[3]!.content).toBe("second\n\n[user's hint / instruction]\nbe brief");
    expect(out[1]!.content).toBe('first');
    expect(messages[3]!.content).toBe('second');
    expect(HINT_MARKER).toBe("\n\n[user's hint / instruction]\n");
  });

  it('adds a user message when there is none', () => {
    const out = appendHintToMessages([{ role: 'system', content: 'sys' }], 'hint');
    expect(out.at(-1)).toEqual({ role: 'user', content: "[user's hint / instruction]\nhint" });
  });
});

describe('regeneratedSampleId', () => {
  it('stays unique and within the 128-character id limit', () => {
    expect(regeneratedSampleId('abc', 2)).toBe('abc#onpolicy-2');
    const long = 'x'.repeat(128);
    const id = regeneratedSampleId(long, 15);
    expect(id.length).toBeLessThanOrEqual(128);
    expect(id).not.toBe(regeneratedSampleId(`${'x'.repeat(127)}y`, 15));
  });
});

describe('ConcurrencyLimit', () => {
  it('never runs more than max tasks at once and runs all of them in order', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => {
      let open!: () => void;
      const promise = new Promise<void>((r) => (open = r));
      return { promise, open };
    });
    const tasks = gates.map((gate, i) =>
      limit.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    for (const gate of gates) gate.open();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(limit.active).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 'ok')).toBe('ok');
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { accuracy, classScores, confusionMatrix, macroF1 } from '../../../electron/signals/eval/metrics';
import { evalSplitOf, parseEvalJsonl } from '../../../electron/signals/eval/eval-record';
import { diffWords } from '../../../electron/signals/word-diff';

describe('eval metrics', () => {
  it('precision, recall, F1 and macro-F1 from a confusion matrix', () => {
    const m = confusionMatrix(['a', 'b', 'c'], [
      { gold: 'a', predicted: 'a' },
      { gold: 'a', predicted: 'b' },
      { gold: 'b', predicted: 'b' },
      { gold: 'b', predicted: 'b' },
      { gold: 'c', predicted: 'a' },
    ]);
    expect(m.counts).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 0]]);
    const [a, b, c] = classScores(m);
    expect(a).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(b!.precision).toBeCloseTo(2 / 3);
    expect(b!.f1).toBeCloseTo(0.8);
    expect(c).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(macroF1(classScores(m))).toBeCloseTo((0.5 + 0.8 + 0) / 3);
    expect(accuracy(m)).toBeCloseTo(3 / 5);
  });

  it('classes with neither support nor predictions stay out of the macro average', () => {
    const m = confusionMatrix(['a', 'b', 'unused'], [{ gold: 'a', predicted: 'a' }, { gold: 'b', predicted: 'b' }]);
    expect(macroF1(classScores(m))).toBe(1);
    expect(() => confusionMatrix(['a'], [{ gold: 'a', predicted: 'z' }])).toThrow(/unknown label/);
  });

  it('the split is stable and holds out about a quarter', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `rec-${i}`);
    const held = ids.filter((id) => evalSplitOf(id) === 'holdout').length;
    expect(held / ids.length).toBeGreaterThan(0.2);
    expect(held / ids.length).toBeLessThan(0.3);
    expect(ids.map(evalSplitOf)).toEqual(ids.map(evalSplitOf));
  });

  it('JSONL parsing reports line numbers and ignores blank lines', () => {
    const ok = JSON.stringify({ id: '1', context: [], assistant: 'a', next_user: 'b', label: 'neutral' });
    const parsed = parseEvalJsonl(`${ok}\n\n[1,2]\n${ok}\r\n`);
    expect(parsed.records).toHaveLength(2);
    expect(parsed.errors).toEqual([expect.stringMatching(/^line 3: /)]);
  });
});

describe('diffWords', () => {
  it('finds replaced, removed and added stretches', () => {
    expect(diffWords('a b c d'.split(' '), 'a x c d e'.split(' '))).toEqual([
      { removed: ['b'], added: ['x'] },
      { removed: [], added: ['e'] },
    ]);
    expect(diffWords(['a', 'b'], ['a', 'b'])).toEqual([]);
    expect(diffWords([], ['new'])).toEqual([{ removed: [], added: ['new'] }]);
  });

  it('falls back to one change when the LCS table would be too big', () => {
    const before = Array.from({ length: 3_000 }, (_, i) => `w${i}`);
    const after = Array.from({ length: 3_000 }, (_, i) => `v${i}`);
    const changes = diffWords(['same', ...before, 'end'], ['same', ...after, 'end']);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.removed).toHaveLength(3_000);
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'electron', 'signals', 'eval', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'signals-eval-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(id: string, nextUser: string, label: string): string {
  return JSON.stringify({
    id,
    context: [{ role: 'user', content: 'How do I sort a list in Python?' }],
    assistant: 'Use sorted(my_list) or my_list.sort().',
    next_user: nextUser,
    label,
  });
}

async function evalFile(lines: string[], args: string[] = []): Promise<{ stdout: string; stderr: string; code: number }> {
  const file = join(dir, `set-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const { stdout, stderr } = await run(TSX, [CLI, file, ...args], { cwd: ROOT, timeout: 120_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? 1 };
  }
}

describe('npm run eval:signals (as a child process)', () => {
  it('prints per-class scores, confusion matrices, throughput, and ends with the polarity macro-F1', async () => {
    const { stdout, code } = await evalFile([
      record('a', 'thanks, that worked!', 'positive'),
      record('b', 'perfect', 'positive'),
      record('c', 'no, I meant in descending order', 'correction'),
      record('d', 'this is useless', 'negative_other'),
      record('e', 'ok', 'neutral'),
      // Deliberately mislabelled: the engine says positive, the gold says neutral.
      record('f', 'great, thanks', 'neutral'),
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('read 6 records');
    expect(stdout).toMatch(/confusion matrix \(labels\):/);
    expect(stdout).toMatch(/throughput \(heuristic\): \d+ records\/s/);
    expect(stdout).toMatch(/^positive\s+0\.667\s+1\.000\s+0\.800\s+2$/m);
    expect(stdout).toMatch(/^neutral\s+1\.000\s+0\.500\s+0\.667\s+2$/m);
    // Polarity: +1 P=2/3 R=1 F1=0.8; 0 P=1 R=0.5 F1=0.667; -1 P=R=F1=1 → macro 0.822.
    const lines = stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('polarity macro-F1: 0.822');
  });

  it('skips bad lines with their line numbers and says how many', async () => {
    const { stdout, stderr, code } = await evalFile([
      record('a', 'thanks!', 'positive'),
      '{not json',
      '',
      JSON.stringify({ id: 'x', context: [], assistant: 'a', next_user: 'b', label: 'happy' }),
      JSON.stringify({ id: 'y', context: 'nope', assistant: 'a', next_user: 'b', label: 'neutral' }),
      record('b', 'this is wrong, useless', 'negative_other'),
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/skipped line 2: not valid JSON/);
    expect(stderr).toMatch(/skipped line 4: label:/);
    expect(stderr).toMatch(/skipped line 5: context:/);
    expect(stdout).toContain('read 2 records');
    expect(stdout).toContain('skipped 3 bad line(s)');
    expect(stdout.trimEnd().split('\n').pop()).toBe('polarity macro-F1: 1.000');
  });

  it('a file without valid records, or a missing file, fails clearly', async () => {
    const empty = await evalFile(['{}']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no valid records/);
    const { stderr, code } = await run(TSX, [CLI, join(dir, 'missing.jsonl')], { cwd: ROOT }).then(
      () => ({ stderr: '', code: 0 }),
      (e: { stderr: string; code: number }) => e,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read/);
  });

  it('--half A and --half B split any file into two disjoint halves that cover it; a bad half fails', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => record(`r-${i}`, i % 2 ? 'thanks!' : 'ok', i % 2 ? 'positive' : 'neutral'));
    const a = await evalFile(lines, ['--half', 'A']);
    const b = await evalFile(lines, ['--half', 'b']);
    const count = (stdout: string): number => Number(/half [AB]: (\d+)/.exec(stdout)?.[1] ?? NaN);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(count(a.stdout) + count(b.stdout)).toBe(40);
    // 40 ids rarely fall all on one side; both halves must hold something for tuning/reporting to mean anything.
    expect(count(a.stdout)).toBeGreaterThan(5);
    expect(count(b.stdout)).toBeGreaterThan(5);
    const bad = await evalFile(lines, ['--half', 'C']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--half must be A or B/);
  });

  it('the labelled dev set: held-out split, with the metric line last', async () => {
    const { stdout, code } = await run(TSX, [CLI, join(ROOT, 'test/fixtures/signals/dev.jsonl'), '--split', 'holdout'], { cwd: ROOT, timeout: 120_000 }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; code: number }) => e,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/split holdout: \d+/);
    const last = stdout.trimEnd().split('\n').pop() ?? '';
    expect(last).toMatch(/^polarity macro-F1: 0\.\d{3}$/);
    // Measured 0.787 after the fourth pass (0.737 after the third, 0.721 after the second, 0.698 before the
    // structural detectors); the floor catches a real regression.
    expect(Number(last.split(': ')[1])).toBeGreaterThanOrEqual(0.74);
  });

  // Each blind set was written before its writer read the engine; half B of each was never tuned on.
  // Measured (polarity / label): blind 0.913 / 0.866, blind-c 0.822 / 0.809, blind-d 0.799 / 0.657,
  // blind-e 0.794 / 0.707 after the fifth pass; the per-pass history is in electron/signals/README.md.
  // Floors sit a little below, so a real regression on unseen data fails here.
  it.each([
    { file: 'blind.jsonl', records: /read 26\d records/, half: /half B: 1[23]\d/, polarity: 0.85, label: 0.8 },
    { file: 'blind-c.jsonl', records: /read 26\d records/, half: /half B: 1[2-4]\d/, polarity: 0.79, label: 0.77 },
    { file: 'blind-d.jsonl', records: /read 26\d records/, half: /half B: 1[2-4]\d/, polarity: 0.75, label: 0.61 },
    { file: 'blind-e.jsonl', records: /read 272 records/, half: /half B: 151/, polarity: 0.76, label: 0.67 },
  ])('$file half B (never tuned on) stays above polarity $polarity and label $label macro-F1', async (set) => {
    const { stdout, code } = await run(TSX, [CLI, join(ROOT, 'test/fixtures/signals', set.file), '--half', 'B'], { cwd: ROOT, timeout: 120_000 }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; code: number }) => e,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(set.records);
    expect(stdout).toMatch(set.half);
    const polarity = Number(/^polarity macro-F1: (0\.\d{3})$/m.exec(stdout)?.[1]);
    const label = Number(/^label macro-F1: (0\.\d{3})$/m.exec(stdout)?.[1]);
    expect(polarity).toBeGreaterThanOrEqual(set.polarity);
    expect(label).toBeGreaterThanOrEqual(set.label);
  });
});

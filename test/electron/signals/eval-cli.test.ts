import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyFollowUp, isTrainableWithoutJudge } from '../../../electron/signals';
import { tenKeywordReward } from '../../../electron/signals/eval/keyword-baseline';

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

const REQUEST = 'How do I sort a list in Python?';
const REPLY = 'Use sorted(my_list) or my_list.sort().';
const SIX_CASES: Array<[string, string]> = [
  ['thanks, that worked!', 'positive'],
  ['perfect', 'positive'],
  ['no, I meant in descending order', 'correction'],
  ['this is useless', 'negative_other'],
  ['ok', 'neutral'],
  // Deliberately mislabelled: the engine says positive, the gold says neutral.
  ['great, thanks', 'neutral'],
];
const SIX = SIX_CASES.map(([text, label], i) => record(String.fromCharCode(97 + i), text, label));

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
    const { stdout, code } = await evalFile(SIX);
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

  it('second-to-last line: precision and coverage of the rewards that would train without a judge', async () => {
    const { stdout, code } = await evalFile(SIX);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    const line = lines[lines.length - 2] ?? '';
    expect(line).toMatch(/^trainable: \+1 precision \d\.\d{3} \(n=\d+\), -1 precision \d\.\d{3} \(n=\d+\), coverage \d\.\d{3}$/);
    // The same numbers, worked out from the library: which verdicts train alone, and were they right.
    const tally = { '1': { n: 0, right: 0 }, '-1': { n: 0, right: 0 } };
    let trained = 0;
    for (const [text, label] of SIX_CASES) {
      const v = classifyFollowUp({ context: [{ role: 'user', content: REQUEST }], assistant: REPLY, nextUser: text });
      if (!isTrainableWithoutJudge(v)) continue;
      trained += 1;
      const side = tally[v.reward === 1 ? '1' : '-1'];
      side.n += 1;
      if ((label === 'positive' ? 1 : label === 'neutral' ? 0 : -1) === v.reward) side.right += 1;
    }
    const p = (t: { n: number; right: number }): string => `${(t.n ? t.right / t.n : 0).toFixed(3)} (n=${t.n})`;
    expect(line).toBe(`trainable: +1 precision ${p(tally['1'])}, -1 precision ${p(tally['-1'])}, coverage ${(trained / SIX_CASES.length).toFixed(3)}`);
    // Praise trains alone on the committed calibration, so the mislabelled "great, thanks" costs precision.
    expect(tally['1'].n).toBeGreaterThan(0);
  });

  it('prints the calibration table and the ten-keyword and always-neutral baselines on the same records', async () => {
    const { stdout } = await evalFile(SIX);
    expect(stdout).toMatch(/^calibration \(committed confidence per rule bucket/m);
    expect(stdout).toMatch(/^\+1\s+praise\s+0\.\d\d\s+\d+\s+(?:\d\.\d{3}|-)$/m);
    expect(stdout).toMatch(/^-1\s+strong\s+0\.\d\d\s+\d+/m);
    // Keyword rule on the six: "thanks…"/"perfect"/"great, thanks" → +1, "no, I meant…" → -1, the rest 0.
    expect(SIX_CASES.map(([text]) => tenKeywordReward(text))).toEqual([1, 1, -1, 0, 0, 1]);
    // +1 P=2/3 R=1 F1=0.8; 0 P=1/2 R=1/2 F1=0.5; -1 P=1 R=1/2 F1=0.667 → macro 0.656.
    expect(stdout).toMatch(/^ten-keyword baseline polarity macro-F1: 0\.656$/m);
    // Always-neutral: only the 0 class scores (P=2/6, R=1 → F1 0.5), the other two 0 → macro 0.167.
    expect(stdout).toMatch(/^always-neutral polarity macro-F1: 0\.167$/m);
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
    // Measured 0.440 since the detector abstains unless a strong rule fires (0.787 before, when it also rewarded
    // ordinary follow-ups); the floor catches a real regression. See electron/signals/README.md.
    expect(Number(last.split(': ')[1])).toBeGreaterThanOrEqual(0.42);
  });

  // Each blind set was written before its writer read the engine; half B of each was never tuned on. They are
  // regression tests, not the measure of quality (that is outside data, README.md). Measured (polarity / label)
  // since the detector abstains unless a strong rule fires: blind 0.580 / 0.411, blind-c 0.482 / 0.369,
  // blind-d 0.523 / 0.374, blind-e 0.543 / 0.368 (0.79–0.91 polarity before, when it also rewarded ordinary
  // follow-ups). Floors sit a little below, so a real regression fails here.
  it.each([
    { file: 'blind.jsonl', records: /read 26\d records/, half: /half B: 1[23]\d/, polarity: 0.56, label: 0.39 },
    { file: 'blind-c.jsonl', records: /read 26\d records/, half: /half B: 1[2-4]\d/, polarity: 0.46, label: 0.35 },
    { file: 'blind-d.jsonl', records: /read 26\d records/, half: /half B: 1[2-4]\d/, polarity: 0.50, label: 0.35 },
    { file: 'blind-e.jsonl', records: /read 272 records/, half: /half B: 151/, polarity: 0.52, label: 0.35 },
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

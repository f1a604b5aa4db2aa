/**
 * What every performance bench prints: one line per row of issue 12's table, each measured against a
 * baseline taken in the same run (or against an absolute bound where the table has no baseline), with
 * the goal and whether it was met. A final summary line per bench counts unmet goals, so a regression
 * is visible at a glance.
 */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 10) return `${ms.toFixed(3)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export interface GoalResult {
  label: string;
  met: boolean;
}

/** Collects rows, prints them as they come, and says at the end how many goals were unmet. */
export class BenchReport {
  private readonly results: GoalResult[] = [];

  constructor(private readonly title: string) {
    console.log(title);
  }

  /** Speed relative to a baseline: baselineTime / subjectTime (1 = as fast as raw). */
  ratio(label: string, opts: { baseline: string; baselineMs: number; subjectMs: number; goal: number; unit?: string }): void {
    const ratio = opts.baselineMs / opts.subjectMs;
    const met = ratio >= opts.goal;
    this.results.push({ label, met });
    console.log(
      `  ${label}: ${formatMs(opts.subjectMs)}${opts.unit ?? ''} vs ${opts.baseline} ${formatMs(opts.baselineMs)}${opts.unit ?? ''}` +
        ` → ratio ${ratio.toFixed(2)} of baseline (goal ≥ ${opts.goal}) ${met ? 'MET' : 'UNMET'}`,
    );
  }

  /** An absolute bound (the table gives no baseline for it); the baseline, if any, is printed beside it. */
  bound(label: string, opts: { valueMs: number; maxMs: number; note?: string }): void {
    const met = opts.valueMs < opts.maxMs;
    this.results.push({ label, met });
    console.log(`  ${label}: ${formatMs(opts.valueMs)} (goal < ${formatMs(opts.maxMs)})${opts.note ? ` ${opts.note}` : ''} ${met ? 'MET' : 'UNMET'}`);
  }

  /** A throughput floor. */
  atLeast(label: string, opts: { value: number; min: number; unit: string; note?: string }): void {
    const met = opts.value >= opts.min;
    this.results.push({ label, met });
    console.log(`  ${label}: ${opts.value.toFixed(0)} ${opts.unit} (goal ≥ ${opts.min} ${opts.unit})${opts.note ? ` ${opts.note}` : ''} ${met ? 'MET' : 'UNMET'}`);
  }

  /** A growth row: the subject at size n against the same subject at the smallest size. */
  growth(label: string, opts: { valueMs: number; firstMs: number; maxFactor: number | null; note?: string }): void {
    const factor = opts.valueMs / opts.firstMs;
    const goal = opts.maxFactor === null ? '' : ` (goal ≤ ${opts.maxFactor}×)`;
    const verdict = opts.maxFactor === null ? '' : factor <= opts.maxFactor ? ' MET' : ' UNMET';
    if (opts.maxFactor !== null) this.results.push({ label, met: factor <= opts.maxFactor });
    console.log(`  ${label}: ${formatMs(opts.valueMs)}, ${factor.toFixed(2)}× the first size${goal}${opts.note ? ` ${opts.note}` : ''}${verdict}`);
  }

  info(line: string): void {
    console.log(`  ${line}`);
  }

  /** Prints the summary; returns the unmet goals. */
  finish(): GoalResult[] {
    const unmet = this.results.filter((r) => !r.met);
    console.log(`  ${this.title}: ${this.results.length - unmet.length} of ${this.results.length} goals met${unmet.length ? ` (unmet: ${unmet.map((r) => r.label).join('; ')})` : ''}`);
    return unmet;
  }
}

/** Runs `rounds` rounds of the given subjects, alternating their order each round so drift hits all alike. */
export async function interleaved<K extends string>(
  rounds: number,
  subjects: Record<K, () => number | Promise<number>>,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(subjects) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? keys : [...keys].reverse();
    for (const key of order) out[key].push(await subjects[key]());
  }
  return out;
}

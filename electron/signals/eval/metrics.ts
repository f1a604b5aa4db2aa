/** Classification metrics for the eval CLI. Pure; classes with neither support nor predictions are left out of macro averages. */

export interface ClassScore {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

export interface ConfusionMatrix {
  labels: readonly string[];
  /** counts[gold][predicted] */
  counts: number[][];
}

export function confusionMatrix(labels: readonly string[], pairs: ReadonlyArray<{ gold: string; predicted: string }>): ConfusionMatrix {
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  for (const { gold, predicted } of pairs) {
    const g = index.get(gold);
    const p = index.get(predicted);
    if (g === undefined || p === undefined) throw new Error(`unknown label in pair: ${gold} → ${predicted}`);
    (counts[g] as number[])[p] = ((counts[g] as number[])[p] ?? 0) + 1;
  }
  return { labels, counts };
}

export function classScores(matrix: ConfusionMatrix): ClassScore[] {
  const { labels, counts } = matrix;
  return labels.map((label, i) => {
    const row = counts[i] as number[];
    const tp = row[i] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = counts.reduce((sum, r) => sum + (r[i] ?? 0), 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support, predicted };
  });
}

export function macroF1(scores: readonly ClassScore[]): number {
  const counted = scores.filter((s) => s.support > 0 || s.predicted > 0);
  if (counted.length === 0) return 0;
  return counted.reduce((sum, s) => sum + s.f1, 0) / counted.length;
}

export function accuracy(matrix: ConfusionMatrix): number {
  let right = 0;
  let total = 0;
  matrix.counts.forEach((row, i) => {
    row.forEach((n, j) => {
      total += n;
      if (i === j) right += n;
    });
  });
  return total === 0 ? 0 : right / total;
}

export function formatMatrix(matrix: ConfusionMatrix): string {
  const short = matrix.labels.map((l) => l.slice(0, 8));
  const width = Math.max(14, ...matrix.labels.map((l) => l.length + 1));
  const head = `${'gold \\ pred'.padEnd(width)}${short.map((s) => s.padStart(9)).join('')}`;
  const rows = matrix.labels.map((label, i) => `${label.padEnd(width)}${(matrix.counts[i] as number[]).map((n) => String(n).padStart(9)).join('')}`);
  return [head, ...rows].join('\n');
}

export function formatScores(scores: readonly ClassScore[]): string {
  const width = Math.max(14, ...scores.map((s) => s.label.length + 1));
  const head = `${'class'.padEnd(width)}${['precision', 'recall', 'f1', 'support'].map((h) => h.padStart(10)).join('')}`;
  const rows = scores.map(
    (s) => `${s.label.padEnd(width)}${[s.precision, s.recall, s.f1].map((v) => v.toFixed(3).padStart(10)).join('')}${String(s.support).padStart(10)}`,
  );
  return [head, ...rows].join('\n');
}

/**
 * npm run signals:calibrate -- OUTSIDE.tune.jsonl … [--minor OWN.jsonl:split=holdout|half=B …] [--write]
 *
 * Measures each detector rule's precision on labelled eval files and prints the calibration table. Outside
 * files count fully and must be *tune* splits (held-out ones stay unseen); --minor files (the project's own
 * sets, restricted to their never-tuned part) count at MINOR_WEIGHT. With --write it regenerates
 * electron/signals/calibration-table.ts, our own numbers, which classifyFollowUp maps confidence through.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { REWARD_OF_KIND } from '../../../shared/domain';
import { MIN_EVIDENCE, MINOR_WEIGHT, polarityOf, smoothedPrecision, weightedCounts, type Polarity } from '../calibration';
import { TRAINABLE_PRECISION } from '../trainable-without-judge';
import type { CalibrationBucket } from '../calibration-table';
import { detectFollowUp } from '../classify-follow-up';
import { CALIBRATION_BUCKETS, NEUTRAL_STRENGTH } from '../read-follow-up';
import { evalHalfOf, evalSplitOf, parseEvalJsonl, type EvalRecord } from './eval-record';

const TABLE_FILE = join(import.meta.dirname, '..', 'calibration-table.ts');

function fail(message: string): never {
  console.error(`signals:calibrate: ${message}`);
  process.exit(2);
}

/** The buckets of read-follow-up.ts, empty: [from, next bucket's from). */
function emptyTable(): Record<Polarity, CalibrationBucket[]> {
  const table = {} as Record<Polarity, CalibrationBucket[]>;
  for (const polarity of ['+1', '0', '-1'] as const) {
    const buckets = CALIBRATION_BUCKETS[polarity];
    table[polarity] = buckets.map((b, i) => ({ rule: b.name, from: b.from, to: buckets[i + 1]?.from ?? 1.01, outside: { correct: 0, count: 0 }, minor: { correct: 0, count: 0 } }));
  }
  return table;
}

interface Source {
  file: string;
  /** "split=holdout" or "half=B": only that part of the file counts. */
  part: string | null;
  weight: 'outside' | 'minor';
}

function readSource(source: Source): EvalRecord[] {
  const { records, errors } = parseEvalJsonl(readFileSync(source.file, 'utf8'));
  if (errors.length > 0) fail(`${source.file}: ${errors.length} bad line(s), first: ${errors[0]}`);
  if (!source.part) return records;
  const [key, value] = source.part.split('=');
  if (key === 'split' && (value === 'tune' || value === 'holdout')) return records.filter((r) => evalSplitOf(r.id) === value);
  if (key === 'half' && (value === 'A' || value === 'B')) return records.filter((r) => evalHalfOf(r.id) === value);
  fail(`unknown part "${source.part}" (use split=tune|holdout or half=A|B)`);
}

export function measure(sources: readonly Source[]): { table: Record<Polarity, CalibrationBucket[]>; used: string[] } {
  const table = emptyTable();
  const used: string[] = [];
  for (const source of sources) {
    const records = readSource(source);
    used.push(`${basename(source.file)}${source.part ? ` (${source.part})` : ''}: ${records.length} records, ${source.weight === 'outside' ? 'full weight' : `weight ${MINOR_WEIGHT}`}`);
    for (const record of records) {
      const detection = detectFollowUp({ context: record.context, assistant: record.assistant, nextUser: record.next_user });
      const reward = REWARD_OF_KIND[detection.label];
      const raw = reward === 0 ? NEUTRAL_STRENGTH : detection.confidence;
      const bucket = table[polarityOf(reward)].find((b) => raw >= b.from && raw < b.to);
      if (!bucket) fail(`no bucket for ${polarityOf(reward)} at ${raw}`);
      const tally = source.weight === 'outside' ? bucket.outside : bucket.minor;
      tally.count += 1;
      if (REWARD_OF_KIND[record.label] === reward) tally.correct += 1;
    }
  }
  return { table, used };
}

export function formatCalibrationTable(table: Record<Polarity, CalibrationBucket[]>): string {
  const lines = ['polarity  bucket        rule           outside        own (minor)   confidence  trains alone'];
  const cell = (t: { correct: number; count: number }): string => `${t.count ? (t.correct / t.count).toFixed(2) : ' -  '} (n=${t.count})`.padEnd(15);
  for (const polarity of ['+1', '-1', '0'] as const) {
    for (const b of table[polarity]) {
      const { correct, count } = weightedCounts(b);
      lines.push(`${polarity.padEnd(10)}${`[${b.from.toFixed(2)},${Math.min(1, b.to).toFixed(2)})`.padEnd(14)}${b.rule.slice(0, 14).padEnd(15)}${cell(b.outside)}${cell(b.minor)}${smoothedPrecision(correct, count).toFixed(2).padStart(6)}${(polarity !== '0' && smoothedPrecision(correct, count) >= TRAINABLE_PRECISION && count >= MIN_EVIDENCE ? 'yes' : 'no').padStart(14)}`);
    }
  }
  return lines.join('\n');
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { write: { type: 'boolean' }, minor: { type: 'string', multiple: true } } });
  if (positionals.length === 0) fail('usage: signals:calibrate OUTSIDE.tune.jsonl … [--minor OWN.jsonl:split=holdout|half=B …] [--write]');
  if (positionals.some((f) => /holdout/.test(basename(f)))) fail('calibrate on outside tune splits only; held-out files stay unseen');
  const sources: Source[] = [
    ...positionals.map((file) => ({ file, part: null, weight: 'outside' as const })),
    ...(values.minor ?? []).map((spec) => {
      const at = spec.lastIndexOf(':');
      return at > 0 && spec.slice(at + 1).includes('=') ? { file: spec.slice(0, at), part: spec.slice(at + 1), weight: 'minor' as const } : { file: spec, part: null, weight: 'minor' as const };
    }),
  ];
  const { table, used } = measure(sources);
  console.log(`calibration from:\n${used.map((u) => `  ${u}`).join('\n')}`);
  console.log(formatCalibrationTable(table));
  if (!values.write) return;
  const body = [
    '/**',
    ' * Generated by `npm run signals:calibrate -- … --write`; do not edit by hand. Our own numbers: how often each',
    " * detector rule's reward matched the human label, per polarity, on:",
    ...used.map((u) => ` *   ${u}`),
    ' * Held-out splits were never measured here. How it is read: electron/signals/calibration.ts and README.md.',
    ' */',
    'export interface CalibrationBucket {',
    '  rule: string;',
    '  /** Raw rule strength range [from, to). */',
    '  from: number;',
    '  to: number;',
    '  /** Verdicts in the bucket whose reward matched the label, and all verdicts in it, on outside data. */',
    '  outside: { correct: number; count: number };',
    "  /** The same on the project's own sets (counted at MINOR_WEIGHT). */",
    '  minor: { correct: number; count: number };',
    '}',
    '',
    "export const CALIBRATION_TABLE: Record<'+1' | '0' | '-1', CalibrationBucket[]> = {",
    ...(['+1', '-1', '0'] as const).flatMap((polarity) => [
      `  '${polarity}': [`,
      ...table[polarity].map(
        (b) => `    { rule: ${JSON.stringify(b.rule).replace(/'/g, "\\'").replace(/^"|"$/g, "'")}, from: ${b.from}, to: ${b.to}, outside: { correct: ${b.outside.correct}, count: ${b.outside.count} }, minor: { correct: ${b.minor.correct}, count: ${b.minor.count} } },`,
      ),
      '  ],',
    ]),
    '};',
    '',
  ].join('\n');
  writeFileSync(TABLE_FILE, body);
  console.log(`wrote ${TABLE_FILE}`);
}

if (process.argv[1] && basename(process.argv[1]).startsWith('calibrate')) main();

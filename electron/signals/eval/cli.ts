/**
 * npm run eval:signals -- FILE.jsonl [--judge URL --model M --votes m --mode always|uncertain
 *   --timeout MS --concurrency N] [--split tune|holdout] [--half A|B] [--errors]
 * Prints per-class precision/recall/F1, confusion matrices, throughput; the last line is
 * `polarity macro-F1: 0.xxx`. Bad lines are skipped, reported with their line number, and counted.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { JudgeModeSchema } from '../../../shared/domain';
import { createJudge } from '../judge/create-judge';
import { evalHalfOf, evalSplitOf, parseEvalJsonl } from './eval-record';
import { formatReport, runEval } from './run-eval';

function fail(message: string): never {
  console.error(`eval:signals: ${message}`);
  process.exit(2);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        judge: { type: 'string' },
        model: { type: 'string' },
        votes: { type: 'string' },
        mode: { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        'api-key': { type: 'string' },
        split: { type: 'string' },
        half: { type: 'string' },
        errors: { type: 'boolean' },
      },
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (!file || positionals.length > 1) fail('usage: eval:signals FILE.jsonl [--judge URL --model M --votes m] [--split tune|holdout] [--half A|B] [--errors]');

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { records: all, errors } = parseEvalJsonl(text);
  for (const error of errors) console.error(`skipped ${error}`);
  if (values.split !== undefined && values.split !== 'tune' && values.split !== 'holdout') fail('--split must be tune or holdout');
  const half = values.half?.toUpperCase();
  if (half !== undefined && half !== 'A' && half !== 'B') fail('--half must be A or B');
  const records = all.filter((r) => (!values.split || evalSplitOf(r.id) === values.split) && (!half || evalHalfOf(r.id) === half));
  const subset = [values.split ? `split ${values.split}` : '', half ? `half ${half}` : ''].filter(Boolean).join(', ');
  console.log(`read ${all.length} records from ${file}${errors.length ? `, skipped ${errors.length} bad line(s)` : ''}${subset ? `; ${subset}: ${records.length}` : ''}`);
  if (records.length === 0) fail('no valid records to evaluate');

  let judgeSetup = null;
  if (values.judge) {
    if (!values.model) fail('--judge needs --model');
    const mode = JudgeModeSchema.safeParse(values.mode ?? 'always');
    if (!mode.success || mode.data === 'off') fail('--mode must be always or uncertain');
    judgeSetup = {
      judge: createJudge({
        endpoint: values.judge,
        model: values.model,
        votes: positiveInt(values.votes, 'votes', 3),
        timeoutMs: positiveInt(values.timeout, 'timeout', 120_000),
        apiKey: values['api-key'] ?? process.env.JUDGE_API_KEY,
      }),
      mode: mode.data,
      concurrency: positiveInt(values.concurrency, 'concurrency', 4),
    };
  }

  const report = await runEval(records, judgeSetup);
  if (values.errors) {
    for (const { record, verdict } of report.predictions) {
      if (verdict.label === record.label) continue;
      console.log(`MISS ${record.id} gold=${record.label} got=${verdict.label} (${verdict.confidence}) ${JSON.stringify(record.next_user.slice(0, 120))} | ${verdict.evidence.join('; ')}`);
    }
    console.log('');
  }
  console.log(formatReport(report));
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));

import { InferredLabelSchema, REWARD_OF_KIND, type InferredLabel, type JudgeMode } from '../../../shared/domain';
import { bucketOf, calibrate, polarityOf, type Polarity } from '../calibration';
import { CALIBRATION_TABLE } from '../calibration-table';
import { classifyFollowUp, detectFollowUp } from '../classify-follow-up';
import { combineVerdicts, shouldAskJudge } from '../combine-verdicts';
import { isTrainableWithoutJudge } from '../trainable-without-judge';
import type { Judge } from '../judge/create-judge';
import type { FollowUpInput, SignalVerdict } from '../types';
import type { EvalRecord } from './eval-record';
import { tenKeywordReward } from './keyword-baseline';
import { accuracy, classScores, confusionMatrix, formatMatrix, formatScores, macroF1, type ClassScore, type ConfusionMatrix } from './metrics';

export const LABELS: readonly InferredLabel[] = InferredLabelSchema.options;
export const POLARITIES = ['+1', '0', '-1'] as const;

export interface EvalPrediction {
  record: EvalRecord;
  verdict: SignalVerdict;
}

/** How the detector's calibration buckets held on this file: the committed confidence against what was measured here. */
export interface CalibrationCheck {
  polarity: Polarity;
  rule: string;
  confidence: number;
  count: number;
  correct: number;
}

/** Rewards that would train without a judge (isTrainableWithoutJudge), and how often they were right. */
export interface TrainableSummary {
  positive: { count: number; correct: number };
  negative: { count: number; correct: number };
  /** Share of all records that would train. */
  coverage: number;
}

export interface EvalReport {
  predictions: EvalPrediction[];
  /** Heuristic verdicts (before any judge): what trains without one. */
  trainable: TrainableSummary;
  calibration: CalibrationCheck[];
  /** The ten-keyword rule and always-neutral on the same records, for comparison. */
  baselines: { tenKeyword: number; alwaysNeutral: number };
  labels: { matrix: ConfusionMatrix; scores: ClassScore[]; macroF1: number; accuracy: number };
  polarity: { matrix: ConfusionMatrix; scores: ClassScore[]; macroF1: number };
  /** Heuristic path only: records per second and total milliseconds. */
  heuristicPerSecond: number;
  heuristicMs: number;
  /** Wall time including the judge, when one was used. */
  totalMs: number;
  judgeCalls: number;
  judgeErrors: number;
}

function polarityOfLabel(label: InferredLabel): Polarity {
  return polarityOf(REWARD_OF_KIND[label]);
}

function polarityMacroF1(records: readonly EvalRecord[], predicted: readonly Polarity[]): number {
  const matrix = confusionMatrix(POLARITIES, records.map((r, i) => ({ gold: polarityOfLabel(r.label), predicted: predicted[i] as Polarity })));
  return macroF1(classScores(matrix));
}

function summariseTrainable(records: readonly EvalRecord[], heuristics: readonly SignalVerdict[]): TrainableSummary {
  const positive = { count: 0, correct: 0 };
  const negative = { count: 0, correct: 0 };
  heuristics.forEach((verdict, i) => {
    if (!isTrainableWithoutJudge(verdict)) return;
    const side = verdict.reward === 1 ? positive : negative;
    side.count += 1;
    if (REWARD_OF_KIND[(records[i] as EvalRecord).label] === verdict.reward) side.correct += 1;
  });
  return { positive, negative, coverage: records.length === 0 ? 0 : (positive.count + negative.count) / records.length };
}

/** Re-reads each record's firing rule (uncalibrated) and tallies it against its committed calibration bucket. */
function checkCalibration(records: readonly EvalRecord[]): CalibrationCheck[] {
  const checks = new Map<string, CalibrationCheck>();
  for (const polarity of ['+1', '-1', '0'] as const) {
    for (const bucket of CALIBRATION_TABLE[polarity]) {
      const confidence = calibrate(polarity === '+1' ? 1 : polarity === '-1' ? -1 : 0, bucket.from).confidence;
      checks.set(`${polarity}:${bucket.rule}`, { polarity, rule: bucket.rule, confidence, count: 0, correct: 0 });
    }
  }
  for (const record of records) {
    const raw = detectFollowUp(inputOf(record));
    const reward = REWARD_OF_KIND[raw.label];
    const bucket = bucketOf(reward, raw.confidence);
    const check = bucket && checks.get(`${polarityOf(reward)}:${bucket.rule}`);
    if (!check) continue;
    check.count += 1;
    if (REWARD_OF_KIND[record.label] === reward) check.correct += 1;
  }
  return [...checks.values()];
}

function inputOf(record: EvalRecord): FollowUpInput {
  return { context: record.context, assistant: record.assistant, nextUser: record.next_user };
}

export interface EvalJudgeSetup {
  judge: Judge;
  mode: JudgeMode;
  concurrency: number;
}

/** Classifies every record (heuristic, then the judge where the mode asks) and scores the result. */
export async function runEval(records: readonly EvalRecord[], judgeSetup: EvalJudgeSetup | null): Promise<EvalReport> {
  const started = performance.now();
  const heuristics: SignalVerdict[] = [];
  const t0 = performance.now();
  for (const record of records) heuristics.push(classifyFollowUp(inputOf(record)));
  const heuristicMs = performance.now() - t0;

  const verdicts = [...heuristics];
  let judgeCalls = 0;
  let judgeErrors = 0;
  if (judgeSetup) {
    const queue = records.map((_, i) => i).filter((i) => shouldAskJudge(heuristics[i] as SignalVerdict, judgeSetup.mode));
    const workers = Array.from({ length: Math.max(1, judgeSetup.concurrency) }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        judgeCalls += 1;
        const verdict = await judgeSetup.judge.judge(inputOf(records[i] as EvalRecord));
        if (verdict.errors.length > 0) judgeErrors += 1;
        verdicts[i] = combineVerdicts(heuristics[i] as SignalVerdict, verdict, judgeSetup.mode);
      }
    });
    await Promise.all(workers);
  }

  const predictions = records.map((record, i) => ({ record, verdict: verdicts[i] as SignalVerdict }));
  const baselines = {
    tenKeyword: polarityMacroF1(records, records.map((r) => polarityOf(tenKeywordReward(r.next_user)))),
    alwaysNeutral: polarityMacroF1(records, records.map(() => '0' as const)),
  };
  const labelMatrix = confusionMatrix(LABELS, predictions.map((p) => ({ gold: p.record.label, predicted: p.verdict.label })));
  const polarityMatrix = confusionMatrix(
    POLARITIES,
    predictions.map((p) => ({ gold: polarityOfLabel(p.record.label), predicted: polarityOf(p.verdict.reward) })),
  );
  const labelScores = classScores(labelMatrix);
  const polarityScores = classScores(polarityMatrix);
  return {
    predictions,
    trainable: summariseTrainable(records, heuristics),
    calibration: checkCalibration(records),
    baselines,
    labels: { matrix: labelMatrix, scores: labelScores, macroF1: macroF1(labelScores), accuracy: accuracy(labelMatrix) },
    polarity: { matrix: polarityMatrix, scores: polarityScores, macroF1: macroF1(polarityScores) },
    heuristicPerSecond: records.length / Math.max(heuristicMs / 1000, 1e-9),
    heuristicMs,
    totalMs: performance.now() - started,
    judgeCalls,
    judgeErrors,
  };
}

function formatCalibration(checks: readonly CalibrationCheck[]): string {
  const lines = ['polarity  rule           confidence   n here   precision here'];
  for (const c of checks) {
    const here = c.count ? (c.correct / c.count).toFixed(3) : '    -';
    lines.push(`${c.polarity.padEnd(10)}${c.rule.padEnd(15)}${c.confidence.toFixed(2).padStart(10)}${String(c.count).padStart(9)}${here.padStart(17)}`);
  }
  return lines.join('\n');
}

function precisionOf(side: { count: number; correct: number }): string {
  return `${(side.count === 0 ? 0 : side.correct / side.count).toFixed(3)} (n=${side.count})`;
}

/** The CLI's second-to-last line (its exact form is read by tools; see eval-cli.test.ts). */
export function formatTrainableLine(t: TrainableSummary): string {
  return `trainable: +1 precision ${precisionOf(t.positive)}, -1 precision ${precisionOf(t.negative)}, coverage ${t.coverage.toFixed(3)}`;
}

export function formatReport(report: EvalReport): string {
  return [
    'per-class (labels):',
    formatScores(report.labels.scores),
    '',
    'confusion matrix (labels):',
    formatMatrix(report.labels.matrix),
    '',
    `label accuracy: ${report.labels.accuracy.toFixed(3)}`,
    `label macro-F1: ${report.labels.macroF1.toFixed(3)}`,
    '',
    'per-class (reward polarity):',
    formatScores(report.polarity.scores),
    '',
    'confusion matrix (reward polarity):',
    formatMatrix(report.polarity.matrix),
    '',
    `throughput (heuristic): ${Math.round(report.heuristicPerSecond)} records/s (${report.heuristicMs.toFixed(1)} ms for ${report.predictions.length} records)`,
    ...(report.judgeCalls > 0 ? [`judge: ${report.judgeCalls} calls, ${report.judgeErrors} with errors, ${(report.totalMs / 1000).toFixed(1)} s in total`] : []),
    '',
    'calibration (committed confidence per rule bucket, and what this file measured):',
    formatCalibration(report.calibration),
    '',
    `ten-keyword baseline polarity macro-F1: ${report.baselines.tenKeyword.toFixed(3)}`,
    `always-neutral polarity macro-F1: ${report.baselines.alwaysNeutral.toFixed(3)}`,
    formatTrainableLine(report.trainable),
    `polarity macro-F1: ${report.polarity.macroF1.toFixed(3)}`,
  ].join('\n');
}

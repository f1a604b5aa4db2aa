import { InferredLabelSchema, REWARD_OF_KIND, type InferredLabel, type JudgeMode } from '../../../shared/domain';
import { classifyFollowUp } from '../classify-follow-up';
import { combineVerdicts, shouldAskJudge } from '../combine-verdicts';
import type { Judge } from '../judge/create-judge';
import type { FollowUpInput, SignalVerdict } from '../types';
import type { EvalRecord } from './eval-record';
import { accuracy, classScores, confusionMatrix, formatMatrix, formatScores, macroF1, type ClassScore, type ConfusionMatrix } from './metrics';

export const LABELS: readonly InferredLabel[] = InferredLabelSchema.options;
export const POLARITIES = ['+1', '0', '-1'] as const;

export interface EvalPrediction {
  record: EvalRecord;
  verdict: SignalVerdict;
}

export interface EvalReport {
  predictions: EvalPrediction[];
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

function polarityOf(label: InferredLabel): (typeof POLARITIES)[number] {
  const reward = REWARD_OF_KIND[label];
  return reward === 1 ? '+1' : reward === 0 ? '0' : '-1';
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
  const labelMatrix = confusionMatrix(LABELS, predictions.map((p) => ({ gold: p.record.label, predicted: p.verdict.label })));
  const polarityMatrix = confusionMatrix(
    POLARITIES,
    predictions.map((p) => ({ gold: polarityOf(p.record.label), predicted: p.verdict.reward === 1 ? '+1' : p.verdict.reward === 0 ? '0' : '-1' })),
  );
  const labelScores = classScores(labelMatrix);
  const polarityScores = classScores(polarityMatrix);
  return {
    predictions,
    labels: { matrix: labelMatrix, scores: labelScores, macroF1: macroF1(labelScores), accuracy: accuracy(labelMatrix) },
    polarity: { matrix: polarityMatrix, scores: polarityScores, macroF1: macroF1(polarityScores) },
    heuristicPerSecond: records.length / Math.max(heuristicMs / 1000, 1e-9),
    heuristicMs,
    totalMs: performance.now() - started,
    judgeCalls,
    judgeErrors,
  };
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
    `polarity macro-F1: ${report.polarity.macroF1.toFixed(3)}`,
  ].join('\n');
}

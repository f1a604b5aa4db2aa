import type { TimelineEvent, TimelineKind } from '../../shared/domain';

/**
 * Chart series derived from a persona's timeline: reward mean and loss per training step, and
 * positive/negative live signals per time bucket. Event data comes from the box, so every field is read
 * defensively and events without usable numbers are skipped.
 */

export interface TrainingPoint {
  step: number;
  reward: number | null;
  loss: number | null;
  policyVersion: string | null;
}

export interface SignalBucket {
  /** Bucket start, epoch ms. */
  at: number;
  positive: number;
  negative: number;
  neutral: number;
}

function numberAt(record: Record<string, unknown>, keys: string[]): number | null {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return null;
}

function metricsOf(event: TimelineEvent): Record<string, unknown> {
  const metrics = event.data['metrics'];
  return metrics && typeof metrics === 'object' && !Array.isArray(metrics) ? (metrics as Record<string, unknown>) : {};
}

export function trainingPoints(events: TimelineEvent[]): TrainingPoint[] {
  const byStep = new Map<number, TrainingPoint>();
  for (const event of events) {
    if (event.kind !== 'training_step') continue;
    const metrics = metricsOf(event);
    const step = numberAt(event.data, ['step']) ?? numberAt(metrics, ['step']);
    if (step === null) continue;
    const version = event.data['policyVersion'];
    byStep.set(step, {
      step,
      reward: numberAt(metrics, ['reward_mean', 'rewardMean', 'reward', 'mean_reward']),
      loss: numberAt(metrics, ['loss', 'pg_loss', 'total_loss']),
      policyVersion: typeof version === 'string' ? version : null,
    });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Picks a bucket width so the chart shows at most ~`maxBuckets` bars. */
export function bucketWidth(spanMs: number, maxBuckets = 24): number {
  const widths = [60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];
  return widths.find((w) => spanMs / w <= maxBuckets) ?? widths[widths.length - 1]!;
}

/** The timeline kinds the charts read: signals (heuristic or explicit), judge signals, removals, training steps. */
export const CHART_EVENT_KINDS = ['signal', 'judge', 'removed', 'training_step'] as const satisfies readonly TimelineKind[];

/** Signal ids that a signal event in `events` says it replaced, or that the user removed. */
function replacedSignalIds(events: TimelineEvent[]): Set<string> {
  const replaced = new Set<string>();
  for (const event of events) {
    if (event.kind === 'removed' && typeof event.data.signalId === 'string') replaced.add(event.data.signalId);
    if (event.kind !== 'signal' && event.kind !== 'judge') continue;
    const { supersedes, supersededIds } = event.data;
    if (typeof supersedes === 'string') replaced.add(supersedes);
    if (Array.isArray(supersededIds)) for (const id of supersededIds) if (typeof id === 'string') replaced.add(id);
  }
  return replaced;
}

/**
 * Live signals per time bucket, counted like timeline:stats: judge signals included, signals that a
 * later one replaced (a judge overruling a heuristic, a thumb replacing an inferred one) or that the
 * user removed left out.
 */
export function signalBuckets(events: TimelineEvent[]): SignalBucket[] {
  const replaced = replacedSignalIds(events);
  const signals = events.filter((e) => {
    if (e.kind !== 'signal' && e.kind !== 'judge') return false;
    const id = e.data['signalId'];
    return !(typeof id === 'string' && replaced.has(id));
  });
  if (signals.length === 0) return [];
  const times = signals.map((e) => e.createdAt);
  const min = Math.min(...times);
  const width = bucketWidth(Math.max(...times) - min);
  const buckets = new Map<number, SignalBucket>();
  for (const event of signals) {
    const at = Math.floor(event.createdAt / width) * width;
    const bucket = buckets.get(at) ?? { at, positive: 0, negative: 0, neutral: 0 };
    const reward = numberAt(event.data, ['reward']);
    if (reward === null || reward === 0) bucket.neutral += 1;
    else if (reward > 0) bucket.positive += 1;
    else bucket.negative += 1;
    buckets.set(at, bucket);
  }
  return [...buckets.values()].sort((a, b) => a.at - b.at);
}

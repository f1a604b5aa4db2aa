import { describeTally } from '../../shared/judge-votes';
import type { SampleVerdict, SignalSample } from '../../shared/protocol/box-stream';
import type { NewProgressEvent } from '../gateway/progress-log';
import { PolicyUpdatingError, SampleTooLongError, type BuildReport } from '../samples/build-trainer-samples';
import { TokenAlignmentError } from '../samples/score-response-tokens';
import { SglangResponseError, SglangUnreachableError } from '../sglang/sglang-client';
import { TokenizerUnavailableError } from './tokenizer-unavailable-error';
import type { PendingSource, TrainingQueue } from './training-queue';

export interface SampleBuildWorkerOptions {
  queue: TrainingQueue;
  build: (sample: SignalSample, signal: AbortSignal) => Promise<BuildReport>;
  publish: (event: NewProgressEvent) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Builds running at once (each may fan out to k regenerations and teacher calls). */
  concurrency: number;
  /** Attempts before a source is given up; engine outages (unreachable, 5xx) do not count. */
  maxAttempts: number;
  /**
   * 5xx answers one source may get before it is given up: a request the engine always fails on
   * would otherwise wait forever, and the user would never hear of it. Unreachable is not capped.
   */
  maxServerErrors: number;
  /** Backoff before try n+1: min(base * 2^n, max), n counting attempts or outages. */
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * How long to wait before starting another build (0: start now). While an app uploads a backlog the
   * gateway stores and acks first: builds share its CPU and would halve what it can take in.
   */
  holdFor?: () => number;
}

/** Errors retrying cannot fix: the engine's tokens and ours disagree, or the sample is longer than the trainer takes. */
function isPermanent(error: unknown): boolean {
  return error instanceof TokenAlignmentError || error instanceof SampleTooLongError;
}

/**
 * The box's setup, not the sample, is at fault (no tokenizer, an engine answering in a shape we do
 * not know): a source given up on these is retried once the engine is back or the gateway restarts.
 * Every other error that uses up the attempts (a 4xx refusal, the sample's own errors) is final.
 */
function isSetupFault(error: unknown): boolean {
  if (error instanceof SglangResponseError) return error.status < 400;
  return error instanceof TokenizerUnavailableError;
}

/**
 * The engine is unavailable rather than the sample being bad: unreachable, 5xx (503 while it loads),
 * or the policy holding for a weight update. Such failures wait (capped backoff) however long the
 * outage lasts and never use up a sample's attempts.
 */
export function isEngineUnavailable(error: unknown): boolean {
  if (error instanceof SglangUnreachableError) return true;
  if (error instanceof SglangResponseError) return error.status >= 500;
  return error instanceof PolicyUpdatingError;
}

/**
 * Builds delivered samples from the durable queue in the background: at most `concurrency` at a
 * time, retrying transient failures with backoff, and publishing `sample_ready` (or `error` when a
 * sample is given up) so the app's timeline shows what happened to each signal.
 */
export class SampleBuildWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Set by an engine outage, cleared by the next good build (which re-queues failed sources). */
  private sawOutage = false;
  /** When a build last succeeded: a 5xx after that, for a source tried before it, is the sample's own. */
  private lastGoodBuildAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SampleBuildWorkerOptions) {}

  /** Looks for due work now (call after adding a source). */
  kick(): void {
    if (this.closed) return;
    const hold = this.options.holdFor?.() ?? 0;
    if (hold > 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.kick(), hold);
      this.timer.unref();
      return;
    }
    const free = this.options.concurrency - this.inFlight.size;
    if (free > 0) {
      const due = this.options.queue.dueSources(Date.now(), free + this.inFlight.size).filter((s) => !this.inFlight.has(s.sample.sampleId));
      for (const source of due.slice(0, free)) {
        const id = source.sample.sampleId;
        const run = this.runOne(source).finally(() => {
          this.inFlight.delete(id);
          this.kick();
        });
        this.inFlight.set(id, run);
      }
    }
    this.scheduleNext();
  }

  /** Resolves when nothing is being built and nothing is due (tests and shutdown use it). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private scheduleNext(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed || this.inFlight.size >= this.options.concurrency) return;
    const dueAt = this.options.queue.nextSourceDueAt();
    if (dueAt === null) return;
    const delay = Math.max(0, dueAt - Date.now());
    if (delay === 0 && this.inFlight.size > 0) return; // finishing builds kick again
    this.timer = setTimeout(() => this.kick(), delay + 5);
    this.timer.unref();
  }

  private backoff(n: number): number {
    return Math.min(this.options.retryBaseMs * 2 ** Math.min(n, 30), this.options.retryMaxMs);
  }

  private async runOne(source: PendingSource): Promise<void> {
    const { sample, attempts, outages, serverErrors, lastTriedAt } = source;
    const { queue, publish, log } = this.options;
    let report: BuildReport;
    try {
      report = await this.options.build(sample, this.abort.signal);
    } catch (error) {
      if (this.closed) return; // shutdown aborted it; it stays pending for the next start
      const message = error instanceof Error ? error.message : String(error);
      const serverError = error instanceof SglangResponseError && error.status >= 500;
      // Another build succeeded since this source's last try: the engine is up, so its 5xx is about
      // this sample and uses up an attempt like any other error.
      const engineWasUp = serverError && this.lastGoodBuildAt > lastTriedAt;
      if (isEngineUnavailable(error) && !engineWasUp) {
        if (serverError && serverErrors + 1 >= this.options.maxServerErrors) {
          const why = `the engine failed it ${serverErrors + 1} times (${message})`;
          queue.markBuildFailed(sample.sampleId, why, null, Date.now(), true);
          log('error', `building sample ${sample.sampleId} failed: ${why}`);
          publishGivenUp(publish, sample, attempts + 1, why);
          return;
        }
        // A weight push is not an outage: the build after it must not requeue given-up sources.
        if (!(error instanceof PolicyUpdatingError)) this.sawOutage = true;
        queue.markBuildDeferred(sample.sampleId, message, Date.now() + this.backoff(outages), Date.now(), serverError);
        // Logged once per doubling, not on every capped retry of a long outage.
        if ((outages & (outages + 1)) === 0) log('warn', `building sample ${sample.sampleId} waits for the engine (try ${outages + 1}): ${message}`);
        return;
      }
      const giveUp = isPermanent(error) || attempts + 1 >= this.options.maxAttempts;
      const retryAt = giveUp ? null : Date.now() + this.backoff(attempts);
      queue.markBuildFailed(sample.sampleId, message, retryAt, Date.now(), !isSetupFault(error));
      log(giveUp ? 'error' : 'warn', `building sample ${sample.sampleId} failed (attempt ${attempts + 1}): ${message}`);
      if (giveUp) publishGivenUp(publish, sample, attempts + 1, message);
      return;
    }
    this.lastGoodBuildAt = Date.now();
    if (this.sawOutage) {
      // The engine answers again: samples given up meanwhile for a passing reason get another chance.
      this.sawOutage = false;
      const requeued = queue.requeueFailedSources();
      if (requeued > 0) log('info', `the engine is back; retrying ${requeued} sample(s) that had failed`);
    }
    const note = {
      retokenizedBecause: report.retokenizedBecause,
      rescoredBecause: report.rescoredBecause,
      servedTemperature: report.servedTemperature,
      judgeVotes: report.judgeVotes,
      judgeCutAtBudget: report.judgeCutAtBudget,
      judgeHint: report.judgeHint,
      verdict: report.verdict,
      notFromPolicyBecause: report.notFromPolicyBecause,
      regenerationErrors: report.regenerationErrors,
    };
    let outcome;
    try {
      outcome = queue.enqueueBuilt(sample.sampleId, report.samples, note);
    } catch (error) {
      // A built sample that breaks the trainer contract (a builder bug): settle it, say why.
      const message = `the built sample breaks the trainer contract: ${error instanceof Error ? error.message : String(error)}`;
      queue.markBuildFailed(sample.sampleId, message, null, Date.now(), true);
      log('error', `building sample ${sample.sampleId} failed: ${message}`);
      publishGivenUp(publish, sample, attempts + 1, message);
      return;
    }
    for (const error of report.regenerationErrors) log('warn', `on-policy regeneration for ${sample.sampleId} failed: ${error}`);
    if (report.judgeCutAtBudget > 0) {
      log('warn', `${report.judgeCutAtBudget} judge vote(s) on ${sample.sampleId} ran out of their token budget before a verdict (APPRENTICE_JUDGE_MAX_TOKENS)`);
    }
    // Withdrawn (superseded or removed) while it was built: the withdrawal has its own event.
    if (outcome.held.some((h) => h.state === 'superseded')) return;
    const served = outcome.ready.find((s) => s.sampleId === sample.sampleId);
    const onPolicy = outcome.ready.filter((s) => s.sampleId !== sample.sampleId);
    const responseTokens = outcome.ready.reduce((n, s) => n + s.response_length, 0);
    if (!served) {
      // The served reply will not train: say why, and what (if anything) the hint still taught.
      const fate = report.verdict.fate === 'will_train' ? 'no_signal' : report.verdict.fate;
      publish({
        kind: 'not_trained',
        personaId: sample.personaId,
        sampleIds: [sample.sampleId],
        step: null,
        policyVersion: onPolicy[0]?.policyVersion ?? null,
        metrics: { reward: report.verdict.reward, onPolicySamples: onPolicy.length, responseTokens },
        message: notTrainedMessage({ ...report.verdict, fate }, report.notFromPolicyBecause, onPolicy.length),
        at: Date.now(),
        verdict: { ...report.verdict, fate },
      });
      return;
    }
    publish({
      kind: 'sample_ready',
      personaId: sample.personaId,
      sampleIds: [sample.sampleId],
      step: null,
      policyVersion: served.policyVersion,
      metrics: {
        samples: outcome.ready.length,
        onPolicySamples: onPolicy.length,
        reward: served.reward,
        responseTokens,
        teacher: served.teacher_log_probs ? 1 : 0,
        retokenized: served.retokenized ? 1 : 0,
      },
      message: readyMessage(outcome.ready.length, served.reward, served.teacher_log_probs !== null, report.verdict),
      at: Date.now(),
      verdict: report.verdict,
    });
  }
}

/** "you", "the judge (3-0)", "the detector": who decided the reward. */
function decidedByWords(verdict: SampleVerdict): string {
  if (verdict.decidedBy === 'user') return 'you';
  if (verdict.decidedBy === 'judge') return verdict.judgeTally ? `the judge (${describeTally(verdict.judgeTally)})` : 'the judge';
  return 'the detector';
}

function notTrainedMessage(verdict: SampleVerdict, notFromPolicyBecause: string | null, onPolicy: number): string {
  const regenerated = onPolicy > 0 ? ` The policy answered again with the hint: ${onPolicy} on-policy sample${onPolicy === 1 ? '' : 's'} ready.` : '';
  switch (verdict.fate) {
    case 'not_from_policy':
      return `Not trained: not from your box's model (${notFromPolicyBecause ?? 'not served by the box'}).${regenerated}`;
    case 'unsure':
      return `Unsure — not trained: no judge here, and the detector's verdict is not one to train on alone.${regenerated}`;
    default:
      return `Not trained: ${decidedByWords(verdict)} found no signal to learn from (reward 0).${regenerated}`;
  }
}

function readyMessage(count: number, reward: number, hinted: boolean, verdict: SampleVerdict): string {
  const what = `${hinted ? `reward ${reward} with the hint's teacher signal` : `reward ${reward}`}, decided by ${decidedByWords(verdict)}`;
  return count === 1 ? `Ready to train (${what}).` : `Ready to train: ${count} samples (${what}).`;
}

/** Tells the app a signal will not become a training sample, and why. */
function publishGivenUp(
  publish: (event: NewProgressEvent) => void,
  sample: SignalSample,
  attempts: number,
  message: string,
): void {
  publish({
    kind: 'error',
    personaId: sample.personaId,
    sampleIds: [sample.sampleId],
    step: null,
    policyVersion: null,
    metrics: { attempts },
    message: `This signal could not be turned into a training sample: ${message}`,
    at: Date.now(),
  });
}

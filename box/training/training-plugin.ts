import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SignalSample } from '../../shared/protocol/box-stream';
import type { TrainerReport, TrainerWeights } from '../../shared/protocol/trainer-api';
import { openBoxDatabase } from '../gateway/box-database';
import { BOX_DATABASE_FILE } from '../gateway/gateway-config';
import type { GatewayHookEvents } from '../gateway/gateway-hooks';
import type { Gateway, GatewayPlugin } from '../gateway/server';
import { BoxJudge } from '../judge/box-judge';
import { buildTrainerSamples, type SampleBuilderConfig } from '../samples/build-trainer-samples';
import { ConcurrencyLimit } from '../samples/concurrency-limit';
import { ThreadedTokenizer } from '../tokenizer/threaded-tokenizer';
import { SampleBuildWorker } from './sample-build-worker';
import { servedTurnFromRecord } from './served-turn-from-record';
import { TokenizerUnavailableError } from './tokenizer-unavailable-error';
import { trainerRoutes, type TrainerApi } from './trainer-routes';
import { TrainingQueue, type FailedSample, type ReportOutcome, type StoredSourceNote, type WithdrawOutcome } from './training-queue';
import type { NewProgressEvent } from '../gateway/progress-log';
import type { StoredWithdrawal } from '../gateway/withdrawal-log';
import { waitForBatch } from './wait-for-batch';
import { trainingStepMessage } from './training-step-message';
import { ArrivalHold } from './arrival-hold';

/**
 * New tokens per judge vote. A thinking judge reasons before its \boxed{}: OpenClaw-RL gives its PRM
 * 4096 (OPD) to 8192 (combined) new tokens. The judge prompt itself is bounded (head and tail of each
 * part, box/judge/judge-prompts.ts): measured with the Qwen3 tokenizer it stays under 4k tokens, so
 * 8192 new tokens fit a 32k context with room to spare (test/box/judge/judge-vote-budget.test.ts).
 */
export const JUDGE_VOTE_MAX_TOKENS = 8_192;

export const JudgeOptionsSchema = z.object({
  votes: z.number().int().min(1).max(15).default(3),
  temperature: z.number().min(0).max(2).default(0.6),
  maxTokens: z.number().int().min(16).max(32_768).default(JUDGE_VOTE_MAX_TOKENS),
  /** Per vote request; a thinking judge's 8k tokens take minutes on a busy engine. */
  timeoutMs: z.number().int().min(1_000).max(600_000).default(300_000),
  /** Also judge on-policy regenerations against the hint (otherwise their reward is 0). */
  judgeRegenerations: z.boolean().default(false),
});

export const TrainingOptionsSchema = z.object({
  /** The policy's model folder (tokenizer.json, tokenizer_config.json). null: SGLang's tokenizer_path. */
  modelDir: z.string().min(1).nullable().default(null),
  /** chat_template_kwargs for replies not served through the gateway. */
  templateKwargs: z.record(z.string(), z.unknown()).default({ enable_thinking: false }),
  /** k extra on-policy samples per hinted turn, each scored by the hint-teacher. */
  onPolicySamplesPerHint: z.number().int().min(0).max(16).default(2),
  regenerateTemperature: z.number().min(0).max(2).default(0.6),
  regenerateMaxNewTokens: z.number().int().min(1).max(32_768).default(2_048),
  /** Concurrent teacher scoring calls (OpenClaw-RL uses 3). */
  teacherConcurrency: z.number().int().min(1).max(64).default(4),
  buildConcurrency: z.number().int().min(1).max(64).default(2),
  /**
   * Delivered samples whose stored JSON is longer than this many characters are kept in the sample
   * log but not built: 1,000,000 characters is some 250k tokens, more context than this box trains,
   * and tokenizing them would tie up the build worker for minutes. Such a signal gets one 'error'
   * event that says so.
   */
  maxSampleChars: z.number().int().min(1_000).default(1_000_000),
  /**
   * Prompt plus reply tokens a sample may have, as the trainer's rollout context takes them (the
   * scripts pass slime --rollout-max-context-len 32768). A longer one fails for good right after it
   * is tokenized (in the tokenizer worker), before any engine call, with one 'error' event.
   */
  maxSampleTokens: z.number().int().min(1).default(32_768),
  /**
   * The box-side PRM judge on the teacher/judge engine: it decides the reward of every delivered
   * inferred turn from its next state (and adds a hindsight hint where the user gave none). On by
   * default; null turns it off, and then an inferred reward trains only when the app marked its
   * detector verdict trainable without a judge.
   */
  judge: JudgeOptionsSchema.nullable().default(() => JudgeOptionsSchema.parse({})),
  /** A batch handed to the trainer is offered again if no report names it within this time. */
  leaseMs: z.number().int().min(1).default(15 * 60_000),
  maxBuildAttempts: z.number().int().min(1).default(8),
  /** 5xx answers one sample may get before it is given up (unreachable engines are waited out). */
  maxBuildServerErrors: z.number().int().min(1).default(30),
  retryBaseMs: z.number().int().min(1).default(2_000),
  /** Cap of the build backoff; an engine outage retries at this pace for as long as it lasts. */
  retryMaxMs: z.number().int().min(1).default(60_000),
  /**
   * A weight update stops holding chat this long after it was announced, unless the trainer keeps
   * sending heartbeats ('updating' with heartbeat: true, every 30 s from the plugin): a trainer that
   * died mid-step must not lock chat out.
   */
  maxWeightUpdateMs: z.number().int().min(1).default(3 * 60_000),
  /** How long a build waits for a weight push to end before it backs off and tries later. */
  buildWeightsWaitMs: z.number().int().min(0).default(5_000),
  /** Each heartbeat keeps the hold for at least this long after it. */
  weightHeartbeatHoldMs: z.number().int().min(1).default(90_000),
});
export type TrainingOptions = z.input<typeof TrainingOptionsSchema>;

const POLICY_VERSION_KEY = 'policyVersion';
const SAMPLE_LOG_CURSOR_KEY = 'sampleLogCursor';
const ARRIVALS_RETRY_MS = 1_000;
const WITHDRAWAL_LOG_CURSOR_KEY = 'withdrawalLogCursor';

export interface TrainingHandle {
  queue: TrainingQueue;
  worker: SampleBuildWorker;
  close(): Promise<void>;
}

/**
 * Finds the tokenizer once, in a worker thread: the configured folder, else the folder SGLang says it
 * loaded. A failed load is tried again on the next build (SGLang may not be up yet).
 */
function tokenizerSource(gateway: Gateway, modelDir: string | null): { get: () => Promise<ThreadedTokenizer>; close: () => Promise<void> } {
  let loading: Promise<ThreadedTokenizer> | null = null;
  const get = async (): Promise<ThreadedTokenizer> => {
    let dir = modelDir;
    if (!dir) {
      const info = await gateway.sglang.getModelInfo();
      const candidate = info.tokenizer_path ?? info.model_path ?? null;
      if (!candidate || !existsSync(candidate) || !statSync(candidate).isDirectory()) {
        throw new TokenizerUnavailableError(
          `cannot find the policy's tokenizer: SGLang reports ${JSON.stringify(candidate)}, which is not a local folder; pass the model folder to the training plugin (modelDir)`,
        );
      }
      dir = candidate;
    }
    try {
      return await ThreadedTokenizer.load(dir);
    } catch (error) {
      throw new TokenizerUnavailableError(`cannot load the policy's tokenizer from ${dir}: ${(error as Error).message}`);
    }
  };
  return {
    get() {
      loading ??= get().catch((error: unknown) => {
        loading = null;
        throw error;
      });
      return loading;
    },
    async close() {
      const tokenizer = await loading?.catch(() => null);
      await tokenizer?.close();
    },
  };
}

function groupByPersona<T extends { personaId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) out.set(row.personaId, [...(out.get(row.personaId) ?? []), row]);
  return out;
}

/** Tells the app what removing a signal did on the box: withdrawn before training, or reverted after. */
function withdrawnEvent(withdrawal: StoredWithdrawal, outcome: WithdrawOutcome): NewProgressEvent {
  const reverted = outcome.trainedStep !== null;
  return {
    kind: 'withdrawn',
    personaId: withdrawal.personaId,
    sampleIds: [withdrawal.sampleId],
    step: outcome.trainedStep,
    policyVersion: null,
    metrics: {},
    message: reverted
      ? `Reverted: training step ${outcome.trainedStep} had already used this signal; it is left out of every later step.`
      : outcome.known
        ? 'Removed: this signal will not train.'
        : 'Removed before it reached training: this signal will not train.',
    at: Date.now(),
    verdict: { decidedBy: 'user', reward: 0, judgeTally: null, fate: reverted ? 'reverted' : 'removed' },
  };
}

/**
 * The training side of the gateway: every stored sample goes into a durable build queue, becomes
 * TrainerSamples (exact ids, rollout and teacher log-probs), waits for the trainer's long-poll,
 * and its training steps and new policy versions are published to the persona's timeline.
 */
export function createTrainingPlugin(input: TrainingOptions = {}, onStarted?: (handle: TrainingHandle) => void): GatewayPlugin {
  const options = TrainingOptionsSchema.parse(input);
  return (gateway) => {
    const queue = new TrainingQueue(gateway.db, { sampleLogBody: (sampleId) => gateway.sampleLog.body(sampleId) });
    // Arrivals are written on a connection that does not fsync each commit: they can be rebuilt
    // from the sample log (the start-up walk from its cursor adds whatever a power loss took), and an
    // fsync per ingest burst would stall this event loop and halve what the box can ingest.
    const arrivalsDb = openBoxDatabase(join(gateway.config.dataDir, BOX_DATABASE_FILE), 'NORMAL');
    arrivalsDb.pragma('wal_autocheckpoint = 0');
    const arrivalsQueue = new TrainingQueue(arrivalsDb);
    const log = (level: 'info' | 'warn' | 'error', message: string): void => {
      const line = `[training ${level}] ${message}`;
      if (level === 'info') console.log(line);
      else console.error(line);
    };
    const tokenizers = tokenizerSource(gateway, options.modelDir);
    // Load now so a wrong model folder shows at start; builds retry the load if SGLang is not up yet.
    tokenizers.get().catch((error: unknown) => log('warn', `tokenizer not loaded yet: ${(error as Error).message}`));
    const teacherLimit = new ConcurrencyLimit(options.teacherConcurrency);
    const judge = options.judge
      ? new BoxJudge({ engine: gateway.teacherSglang, votes: options.judge.votes, temperature: options.judge.temperature, maxTokens: options.judge.maxTokens, timeoutMs: options.judge.timeoutMs })
      : null;

    const build = async (sample: SignalSample, signal: AbortSignal) => {
      const config: SampleBuilderConfig = {
        tokenizer: await tokenizers.get(),
        policy: gateway.sglang,
        policyLogprobsAreRaw: gateway.config.sglangOriginalLogprobs,
        policyServing: (s) => gateway.policy.waitUntilServing(options.buildWeightsWaitMs, s),
        teacher: gateway.teacherSglang,
        teacherLimit,
        defaultTemplateKwargs: options.templateKwargs,
        onPolicySamplesPerHint: options.onPolicySamplesPerHint,
        regenerateTemperature: options.regenerateTemperature,
        regenerateMaxNewTokens: options.regenerateMaxNewTokens,
        judge,
        judgeRegenerations: options.judge?.judgeRegenerations ?? false,
        maxSampleTokens: options.maxSampleTokens,
      };
      const record = gateway.turnLog.get(sample.turnId);
      // Without a separate teacher the whole build (regenerations, teacher scoring, judge votes) runs on
      // the policy engine; a colocated trainer releases that engine for a step only once it is idle.
      const endBuild = gateway.teacherSglang === gateway.sglang ? gateway.policy.beginBuild() : () => undefined;
      try {
        return await buildTrainerSamples(config, sample, record ? servedTurnFromRecord(record) : null, signal);
      } finally {
        endBuild();
      }
    };

    const arrivalHold = new ArrivalHold();
    const worker = new SampleBuildWorker({
      queue,
      build,
      publish: (event) => gateway.publishProgress(event),
      log,
      concurrency: options.buildConcurrency,
      maxAttempts: options.maxBuildAttempts,
      maxServerErrors: options.maxBuildServerErrors,
      retryBaseMs: options.retryBaseMs,
      retryMaxMs: options.retryMaxMs,
      holdFor: () => arrivalHold.holdFor(),
    });

    // Stored samples join the build queue in one transaction per turn of the event loop, referring to
    // the sample log's row for their body (nothing is copied or parsed here).
    let arrivals: StoredSourceNote[] = [];
    let closing = false;
    const recordArrivals = (into: TrainingQueue = arrivalsQueue): void => {
      if (closing) return;
      const notes = arrivals;
      arrivals = [];
      if (notes.length === 0) return;
      let tooLarge;
      try {
        ({ tooLarge } = into.addStoredSources(notes, options.maxSampleChars));
      } catch (error) {
        // E.g. the file stayed locked past the busy timeout. The samples are safe in the sample log:
        // try again shortly (and the next start's walk would add them anyway).
        if (into !== arrivalsQueue) throw error;
        log('warn', `could not record ${notes.length} delivered sample(s) for building yet (${(error as Error).message}); trying again`);
        arrivals = [...notes, ...arrivals];
        setTimeout(() => recordArrivals(), ARRIVALS_RETRY_MS).unref();
        return;
      }
      for (const note of tooLarge) {
        log('warn', `sample ${note.sampleId} is not built: ${note.error}`);
        gateway.publishProgress({
          kind: 'error',
          personaId: note.personaId,
          sampleIds: [note.sampleId],
          step: null,
          policyVersion: null,
          metrics: { chars: note.bodyChars, maxChars: options.maxSampleChars },
          message: `This signal could not be turned into a training sample: ${note.error}`,
          at: Date.now(),
        });
      }
      worker.kick();
    };
    const accept = (stored: GatewayHookEvents['sampleStored']): void => {
      arrivalHold.arrived();
      // The ids come with the event; `sample` (read back for a large one) is touched only if they do not.
      const known = stored.sampleId !== undefined && stored.personaId !== undefined && stored.turnId !== undefined && stored.bodyChars !== undefined;
      const sample = known ? null : stored.sample;
      arrivals.push({
        sampleId: stored.sampleId ?? sample!.sampleId,
        personaId: stored.personaId ?? sample!.personaId,
        turnId: stored.turnId ?? sample!.turnId,
        supersedes: known ? (stored.supersedes ?? null) : sample!.supersedes,
        bodyChars: stored.bodyChars ?? JSON.stringify(sample).length,
        receivedAt: stored.receivedAt,
      });
      if (arrivals.length === 1) setImmediate(() => recordArrivals());
    };
    const offStored = gateway.hooks.on('sampleStored', accept);

    // Removed signals: applied in log order (also those recorded while the training side was down).
    const applyWithdrawals = (): void => {
      let after = Number(queue.getState(WITHDRAWAL_LOG_CURSOR_KEY) ?? 0);
      for (let page = gateway.withdrawalLog.listAfter(after); page.length > 0; page = gateway.withdrawalLog.listAfter(after)) {
        for (const withdrawal of page) {
          const outcome = queue.withdraw(withdrawal.sampleId);
          gateway.publishProgress(withdrawnEvent(withdrawal, outcome));
          after = withdrawal.seq;
          queue.setState(WITHDRAWAL_LOG_CURSOR_KEY, String(after));
        }
      }
    };
    const offWithdrawn = gateway.hooks.on('sampleWithdrawn', () => applyWithdrawals());
    applyWithdrawals();
    // Samples stored while the training side was down (or before this listener existed).
    // A restart is when a misconfigured box got fixed: sources that failed for a passing reason get
    // another set of attempts (permanent failures stay failed, told to the user once).
    const requeued = queue.requeueFailedSources();
    if (requeued > 0) log('info', `retrying ${requeued} sample(s) that failed before this start`);
    let cursor = Number(queue.getState(SAMPLE_LOG_CURSOR_KEY) ?? 0);
    for (let page = gateway.sampleLog.listNotesAfter(cursor); page.length > 0; page = gateway.sampleLog.listNotesAfter(cursor)) {
      arrivals.push(...page);
      // Durably (the gateway's own connection) before the cursor moves past them.
      recordArrivals(queue);
      cursor = page.at(-1)!.seq;
      queue.setState(SAMPLE_LOG_CURSOR_KEY, String(cursor));
    }
    worker.kick();

    const policyVersion = (): string | null => gateway.policy.version ?? queue.getState(POLICY_VERSION_KEY);
    let updateTimer: NodeJS.Timeout | null = null;
    let holdUntil = 0;

    const publishTrained = (report: TrainerReport, outcome: ReportOutcome): void => {
      for (const [personaId, rows] of groupByPersona(outcome.trained)) {
        const rewardMean = rows.reduce((s, r) => s + r.reward, 0) / rows.length;
        const sources = [...new Set(rows.map((r) => r.sourceSampleId))];
        const loss = report.metrics.loss;
        gateway.publishProgress({
          kind: 'training_step',
          personaId,
          sampleIds: sources,
          step: report.step,
          policyVersion: report.policyVersion,
          metrics: { ...report.metrics, reward_mean: rewardMean, samples: rows.length },
          message: trainingStepMessage({
            step: report.step,
            signals: sources.length,
            samples: rows.length,
            rewardMean,
            loss,
            policyVersion: report.policyVersion,
          }),
          at: Date.now(),
        });
      }
    };

    const finishUpdate = (version: string | null, completed = true): void => {
      if (updateTimer) clearTimeout(updateTimer);
      updateTimer = null;
      const previous = policyVersion();
      gateway.policy.finishWeightUpdate(version ?? undefined, completed);
      if (!version || version === previous) return;
      queue.setState(POLICY_VERSION_KEY, version);
      for (const personaId of queue.personas()) {
        gateway.publishProgress({
          kind: 'policy_version',
          personaId,
          sampleIds: [],
          step: null,
          policyVersion: version,
          metrics: {},
          message: `The assistant now runs on policy ${version}.`,
          at: Date.now(),
        });
      }
    };

    const publishUnusable = (row: FailedSample, why: string): void => {
      gateway.publishProgress({
        kind: 'error',
        personaId: row.personaId,
        sampleIds: [row.sourceSampleId],
        step: null,
        policyVersion: null,
        metrics: {},
        message: `${why}: ${row.error}`,
        at: Date.now(),
      });
    };
    // A stored row that no longer parses is settled by lease(); the user hears of it once.
    const offFailed = queue.onSamplesFailed((rows) => {
      for (const row of rows) {
        log('error', `stored sample ${row.sampleId} is unusable and will not be trained: ${row.error}`);
        publishUnusable(row, 'A training sample built from this signal was unusable');
      }
    });

    const api: TrainerApi = {
      waitForBatch: (size, timeoutMs, signal) => waitForBatch(queue, { size, timeoutMs, leaseMs: options.leaseMs }, signal),
      policyVersion,
      confirm: (sampleIds) => queue.confirm(sampleIds, options.leaseMs),
      reject(body) {
        const failed = queue.markRejected(body.rejected);
        for (const row of failed) {
          log('error', `the trainer refused sample ${row.sampleId}: ${row.error}`);
          publishUnusable(row, 'The trainer could not use a sample built from this signal');
        }
        return failed.map((r) => r.sampleId);
      },
      report(report) {
        const outcome = queue.markTrained(report);
        publishTrained(report, outcome);
        return outcome;
      },
      weights(update: TrainerWeights) {
        if (update.restartedAtStep !== undefined) {
          const { reoffered } = queue.trainerRestarted(update.restartedAtStep);
          log('info', `the trainer (re)started at step ${update.restartedAtStep}; ${reoffered} sample(s) it held or never saved are offered again`);
        }
        if (update.state === 'ready') return finishUpdate(update.policyVersion);
        // A late heartbeat (after 'ready') must not lock chat again.
        if (update.heartbeat && !gateway.policy.weightsUpdating) return;
        const now = Date.now();
        holdUntil = update.heartbeat ? Math.max(holdUntil, now + options.weightHeartbeatHoldMs) : now + options.maxWeightUpdateMs;
        gateway.policy.beginWeightUpdate();
        if (updateTimer) clearTimeout(updateTimer);
        updateTimer = setTimeout(() => {
          log('warn', 'the trainer announced a weight update and then went quiet (no heartbeat, no ready); serving chat again');
          finishUpdate(null, false);
        }, holdUntil - now);
        updateTimer.unref();
      },
      weightsUpdating: () => gateway.policy.weightsUpdating,
      drainEngine: (timeoutMs, signal) => gateway.policy.waitForEngineIdle(timeoutMs, signal),
    };
    for (const route of trainerRoutes(api)) gateway.route(route.method, route.path, route.handler);

    const handle: TrainingHandle = {
      queue,
      worker,
      async close() {
        offStored();
        offWithdrawn();
        offFailed();
        // What arrived last is recorded now (the database closes after this); the sample log has it anyway.
        try {
          recordArrivals();
        } catch (error) {
          log('warn', `could not record the last delivered samples for building (the next start will): ${(error as Error).message}`);
        }
        closing = true;
        if (updateTimer) clearTimeout(updateTimer);
        await worker.close();
        await tokenizers.close();
        arrivalsDb.close();
      },
    };
    onStarted?.(handle);
    return { close: () => handle.close() };
  };
}

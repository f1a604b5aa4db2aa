import { createHash } from 'node:crypto';
import type { SignalSample } from '../../shared/protocol/box-stream';
import type { TrainerSample } from '../../shared/protocol/trainer-api';
import type { BoxJudge } from '../judge/box-judge';
import { ModelTokenizer, type TemplateKwargs } from '../tokenizer/model-tokenizer';
import type { ConcurrencyLimit } from './concurrency-limit';
import { lossMaskFor } from './loss-mask';
import { sampledAtRawScale } from './raw-logprob-scale';
import { regenerateOnPolicy } from './regenerate-on-policy';
import { inThreadTokenizer, type SampleTokenizer } from './sample-tokenizer';
import { scoreResponseTokens } from './score-response-tokens';
import type { ServedTurn } from './served-turn';
import type { SglangClient } from '../sglang/sglang-client';
import type { TrainingFate } from '../../shared/domain';
import type { SampleVerdict } from '../../shared/protocol/box-stream';
import { decideReward } from './decide-reward';
import { servedByPolicy } from './served-by-policy';
import { appendHintToMessages } from './teacher-prompt';

/** Extra tries for a regeneration that hit max_new_tokens or was aborted: only finished replies train. */
export const REGENERATION_TRIES = 3;

/** The sample has more tokens than the trainer takes: building it again cannot help. */
export class SampleTooLongError extends Error {
  override name = 'SampleTooLongError';
}

function checkLength(config: SampleBuilderConfig, tokens: number, what: string): void {
  const max = config.maxSampleTokens;
  if (max !== undefined && tokens > max) {
    throw new SampleTooLongError(
      `${what} is ${tokens.toLocaleString('en-US')} tokens, more than the ${max.toLocaleString('en-US')} the trainer takes (maxSampleTokens, slime's --rollout-max-context-len)`,
    );
  }
}

/** The policy is loading new weights; the build waits (it is not the sample's fault). */
export class PolicyUpdatingError extends Error {
  override name = 'PolicyUpdatingError';
}

async function untilPolicyServes(config: SampleBuilderConfig, signal?: AbortSignal): Promise<void> {
  if (!(await config.policyServing(signal))) {
    throw new PolicyUpdatingError('the policy is loading new weights; the build waits for it');
  }
}

/** A TrainerSample before the queue gives it its index. */
export type BuiltTrainerSample = Omit<TrainerSample, 'index'>;

export interface SampleBuilderConfig {
  /** The policy's tokenizer; the gateway's runs in a worker thread (ThreadedTokenizer). */
  tokenizer: SampleTokenizer | ModelTokenizer;
  /** The policy engine: scores re-tokenized replies and regenerates on-policy. */
  policy: SglangClient;
  /**
   * Whether the policy SGLang reports raw (T = 1) log-probs for sampled tokens
   * (SGLANG_RETURN_ORIGINAL_LOGPROB=1). When false, replies sampled at T ≠ 1 are re-scored raw on
   * the policy (see raw-logprob-scale.ts).
   */
  policyLogprobsAreRaw: boolean;
  /**
   * Resolves true when the policy serves (no weight push under way), false when it is still
   * loading after a while: the build then fails with PolicyUpdatingError and is retried later.
   */
  policyServing: (signal?: AbortSignal) => Promise<boolean>;
  /** The OPD teacher: a frozen engine (--teacher-sglang) or the policy itself. */
  teacher: SglangClient;
  /** Bounds concurrent teacher scoring calls so builds do not crowd out chat on the engine. */
  teacherLimit: ConcurrencyLimit;
  /**
   * Template kwargs for replies the turn log does not have (served elsewhere). Served turns use the
   * kwargs they were served with. Default {enable_thinking: false}: the app shows no reasoning.
   */
  defaultTemplateKwargs: TemplateKwargs;
  /** Extra on-policy samples per hinted turn (0 = only the served reply, as OpenClaw-RL). */
  onPolicySamplesPerHint: number;
  regenerateTemperature: number;
  regenerateMaxNewTokens: number;
  /** Decides the reward of every inferred turn (and, if set, judges regenerated replies against the hint); null: no judge engine. */
  judge: BoxJudge | null;
  judgeRegenerations: boolean;
  /**
   * Prompt plus reply tokens a sample may have; a longer one fails for good (SampleTooLongError) before
   * any engine call or any of its token arrays is handled here. Undefined: no limit.
   */
  maxSampleTokens?: number;
}

export interface BuildReport {
  samples: BuiltTrainerSample[];
  /** Why the served ids could not be used, when the reply was re-tokenized. */
  retokenizedBecause: string | null;
  /** Why the served log-probs were replaced by a raw re-score on the policy (null: used as served). */
  rescoredBecause: string | null;
  /** The temperature the served reply was sampled at, when the turn log has it. */
  servedTemperature: number | null;
  /** The box judge's votes when it decided the reward. */
  judgeVotes: (number | null)[] | null;
  regenerationErrors: string[];
  /** Why the served reply is not the policy's own (then only hint regenerations were built); null when it is. */
  notFromPolicyBecause: string | null;
  /** Who decided the reward, the judge's tally, and whether the signal trains. */
  verdict: SampleVerdict;
  /** The hint the judge added where the user gave none (null: none, or the user's own hint was used). */
  judgeHint: string | null;
  /** Judge votes that ran out of their token budget (counted invalid). */
  judgeCutAtBudget: number;
}

/** Regenerated samples get their own id; long source ids are hashed so the id stays within 128 chars. */
export function regeneratedSampleId(sourceSampleId: string, n: number): string {
  const base = sourceSampleId.length <= 100 ? sourceSampleId : createHash('sha256').update(sourceSampleId).digest('hex').slice(0, 40);
  return `${base}#onpolicy-${n}`;
}

interface ResponseTokens {
  ids: number[];
  logprobs: number[];
  retokenizedBecause: string | null;
  rescoredBecause: string | null;
  policyVersion: string | null;
}

/**
 * The served reply's ids and rollout log-probs: exactly what SGLang sampled when the turn log's tokens
 * spell it; where they cannot be mapped (a server that reported no token bytes), the policy's own text
 * is re-tokenized with the model's template and the policy engine scores it (max_new_tokens 0).
 * Callers check first that the policy served this text (servedByPolicy).
 */
async function servedResponseTokens(
  config: SampleBuilderConfig,
  tokenizer: SampleTokenizer,
  sample: SignalSample,
  turn: ServedTurn,
  promptIds: number[],
  templateKwargs: TemplateKwargs,
  signal?: AbortSignal,
): Promise<ResponseTokens> {
  let reason: string;
  const mapping = await tokenizer.mapSampled(turn.tokens, turn.finishReason);
  if (!mapping.ok) reason = mapping.reason;
  else if ((await tokenizer.decode(mapping.ids, { skipSpecialTokens: true })) !== sample.response) {
    reason = 'the sampled tokens do not spell the delivered reply';
  } else {
    const ids = [...mapping.ids];
    // The reply stopped on its end token but SGLang left it out of the logprobs; it is part of
    // what the policy sampled (and how it learns to stop).
    const appendEnd = mapping.missingEndOfTurn && tokenizer.endOfTurnId !== null;
    if (appendEnd) ids.push(tokenizer.endOfTurnId!);
    checkLength(config, promptIds.length + ids.length, 'the prompt with the served reply');
    if (!config.policyLogprobsAreRaw && !sampledAtRawScale(turn.temperature)) {
      // SGLang scaled these by 1/T: re-score the exact sampled ids raw (prefill is never scaled).
      const raw = await scoreResponseTokens(config.policy, promptIds, ids, signal);
      return {
        ids,
        logprobs: raw.logprobs,
        retokenizedBecause: null,
        rescoredBecause: `served at temperature ${turn.temperature ?? 'unknown (SGLang default)'} by an SGLang that scales sampled log-probs by 1/T`,
        policyVersion: raw.weightVersion ?? turn.policyVersion ?? sample.policyVersion,
      };
    }
    const logprobs = [...mapping.logprobs];
    if (appendEnd) {
      const end = await scoreResponseTokens(config.policy, [...promptIds, ...mapping.ids], [tokenizer.endOfTurnId!], signal);
      logprobs.push(...end.logprobs);
    }
    return { ids, logprobs, retokenizedBecause: null, rescoredBecause: null, policyVersion: turn.policyVersion ?? sample.policyVersion };
  }
  const ids = await tokenizer.responseIdsFromText(sample.messages, sample.response, templateKwargs);
  checkLength(config, promptIds.length + ids.length, 'the prompt with the reply');
  const scored = await scoreResponseTokens(config.policy, promptIds, ids, signal);
  return { ids, logprobs: scored.logprobs, retokenizedBecause: reason, rescoredBecause: null, policyVersion: scored.weightVersion ?? sample.policyVersion };
}

/**
 * Turns one delivered app sample into TrainerSamples: the served reply (binary RL reward, plus
 * teacher log-probs when there is a hint) and, for hinted turns, k replies regenerated from the
 * current policy and scored by the same hint-teacher. The reward is decided by decideReward (the
 * judge for inferred turns); the served reply becomes a sample only if the box's policy served it
 * (servedByPolicy). Regenerated replies never inherit the reward (the user reacted to the original,
 * not to them): they train on OPD alone with reward 0, unless the box judge is set to judge them
 * against the hint.
 */
export async function buildTrainerSamples(
  config: SampleBuilderConfig,
  sample: SignalSample,
  turn: ServedTurn | null,
  signal?: AbortSignal,
): Promise<BuildReport> {
  const tokenizer = config.tokenizer instanceof ModelTokenizer ? inThreadTokenizer(config.tokenizer) : config.tokenizer;
  // Log-probs scored or sampled mid-push would mix weight versions (and SGLang holds requests then).
  await untilPolicyServes(config, signal);
  const provenance = servedByPolicy(sample, turn);
  const templateKwargs = (provenance.ok ? turn?.templateKwargs : null) ?? config.defaultTemplateKwargs;
  const promptIds = await tokenizer.promptIds(sample.messages, templateKwargs);
  checkLength(config, promptIds.length, 'the prompt');

  const decision = await decideReward(config.judge, sample, signal);
  const { reward } = decision;
  const trainHint = decision.hint;
  const teacherPromptIds = trainHint ? await tokenizer.promptIds(appendHintToMessages(sample.messages, trainHint), templateKwargs) : null;
  const teacherScore = (ids: number[]): Promise<number[]> =>
    config.teacherLimit.run(async () => (await scoreResponseTokens(config.teacher, teacherPromptIds!, ids, signal)).logprobs);

  const samples: BuiltTrainerSample[] = [];
  let served: ResponseTokens | null = null;
  // Another model's text never becomes a sample; a hint on it may still drive on-policy regenerations.
  if (provenance.ok) {
    served = await servedResponseTokens(config, tokenizer, sample, provenance.turn, promptIds, templateKwargs, signal);
    const servedTeacher = teacherPromptIds ? await teacherScore(served.ids) : null;
    samples.push({
      sampleId: sample.sampleId,
      personaId: sample.personaId,
      sourceSampleId: sample.sampleId,
      tokens: [...promptIds, ...served.ids],
      response_length: served.ids.length,
      loss_mask: lossMaskFor({
        responseLength: served.ids.length,
        reward,
        hasNextState: sample.nextState !== null,
        hasTeacherLogprobs: servedTeacher !== null,
      }),
      rollout_log_probs: served.logprobs,
      reward,
      teacher_log_probs: servedTeacher,
      retokenized: served.retokenizedBecause !== null,
      hint: trainHint,
      policyVersion: served.policyVersion,
    });
  }

  const regenerationErrors: string[] = [];
  if (trainHint && teacherPromptIds) {
    const hint = trainHint;
    await untilPolicyServes(config, signal);
    const regenerations = await Promise.allSettled(
      Array.from({ length: config.onPolicySamplesPerHint }, async (_, n): Promise<BuiltTrainerSample | null> => {
        // A reply cut at max_new_tokens (or aborted by a weight push) is not what the policy would
        // say, and the teacher would grade a fragment: only a reply that stopped by itself trains.
        let fresh = null;
        let lastReason: string | null = null;
        for (let tries = 0; tries < REGENERATION_TRIES && fresh === null; tries++) {
          const candidate = await regenerateOnPolicy(
            config.policy,
            promptIds,
            { temperature: config.regenerateTemperature, maxNewTokens: config.regenerateMaxNewTokens, stopTokenIds: [...tokenizer.stopTokenIds] },
            signal,
          );
          if (candidate.finishReason === 'stop') fresh = candidate;
          else lastReason = candidate.finishReason;
        }
        if (fresh === null) {
          throw new Error(`regeneration ${n} did not finish by itself in ${REGENERATION_TRIES} tries (finish_reason ${lastReason ?? 'none'})`);
        }
        if (fresh.ids.length === 0) return null;
        let rolloutLogprobs = fresh.logprobs;
        let rolloutVersion = fresh.weightVersion;
        if (!config.policyLogprobsAreRaw && !sampledAtRawScale(config.regenerateTemperature)) {
          const raw = await scoreResponseTokens(config.policy, promptIds, fresh.ids, signal);
          rolloutLogprobs = raw.logprobs;
          rolloutVersion = raw.weightVersion ?? rolloutVersion;
        }
        const teacher = await teacherScore(fresh.ids);
        let freshReward = 0;
        if (config.judge && config.judgeRegenerations) {
          freshReward = (await config.judge.judgeHintFollowed(sample.messages, fresh.text, hint, signal)).reward;
        }
        return {
          sampleId: regeneratedSampleId(sample.sampleId, n),
          personaId: sample.personaId,
          sourceSampleId: sample.sampleId,
          tokens: [...promptIds, ...fresh.ids],
          response_length: fresh.ids.length,
          loss_mask: lossMaskFor({ responseLength: fresh.ids.length, reward: freshReward, hasNextState: true, hasTeacherLogprobs: true }),
          rollout_log_probs: rolloutLogprobs,
          reward: freshReward,
          teacher_log_probs: teacher,
          retokenized: false,
          hint,
          policyVersion: rolloutVersion,
        };
      }),
    );
    for (const r of regenerations) {
      if (r.status === 'fulfilled') {
        if (r.value) samples.push(r.value);
      } else regenerationErrors.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
    }
  }

  const rlSignal = reward !== 0 && sample.nextState !== null;
  const fate: TrainingFate = !provenance.ok
    ? 'not_from_policy'
    : rlSignal || trainHint !== null
      ? 'will_train'
      : decision.unsure
        ? 'unsure'
        : 'no_signal';
  return {
    samples,
    retokenizedBecause: served?.retokenizedBecause ?? null,
    rescoredBecause: served?.rescoredBecause ?? null,
    servedTemperature: provenance.ok ? (turn?.temperature ?? null) : null,
    judgeVotes: decision.votes,
    regenerationErrors,
    notFromPolicyBecause: provenance.ok ? null : provenance.reason,
    verdict: { decidedBy: decision.decidedBy, reward, judgeTally: decision.tally, fate },
    judgeHint: decision.decidedBy === 'judge' && trainHint !== null && trainHint !== sample.hint ? trainHint : null,
    judgeCutAtBudget: decision.cutAtBudget,
  };
}

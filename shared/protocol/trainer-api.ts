import { z } from 'zod';
import { IdSchema } from '../domain';

/**
 * The gateway's trainer API (box/trainer pulls from it). A TrainerSample maps one-to-one onto
 * slime's Sample: tokens = prompt + response ids, loss_mask/rollout_log_probs/teacher_log_probs have
 * response_length entries, reward rides as {"score": reward} on the Python side.
 */

export const TRAINER_BATCH_PATH = '/v1/trainer/batch';
export const TRAINER_REPORT_PATH = '/v1/trainer/report';
export const TRAINER_WEIGHTS_PATH = '/v1/trainer/weights';
/** The rollout asks, right before handing a batch to the trainer, which samples were withdrawn meanwhile. */
export const TRAINER_CONFIRM_PATH = '/v1/trainer/confirm';
/** The trainer names samples it refused (broke the contract on its side) so they settle as failed. */
export const TRAINER_REJECT_PATH = '/v1/trainer/reject';

export const TrainerSampleSchema = z.object({
  sampleId: IdSchema,
  personaId: IdSchema,
  /** The app sample this training sample came from (several on-policy samples may share one). */
  sourceSampleId: IdSchema,
  index: z.number().int().nonnegative(),
  tokens: z.array(z.number().int().nonnegative()),
  response_length: z.number().int().nonnegative(),
  loss_mask: z.array(z.union([z.literal(0), z.literal(1)])),
  rollout_log_probs: z.array(z.number()),
  reward: z.number(),
  teacher_log_probs: z.array(z.number()).nullable(),
  /** true when the response ids were re-tokenized from text rather than the ids SGLang sampled. */
  retokenized: z.boolean(),
  hint: z.string().nullable(),
  policyVersion: z.string().nullable(),
}).superRefine((s, ctx) => {
  // The same cross-field rules the trainer enforces: a prompt and at least one response token, and
  // one per-token entry per response token.
  if (s.response_length < 1 || s.tokens.length <= s.response_length) {
    ctx.addIssue({
      code: 'custom',
      path: ['response_length'],
      message: `response_length ${s.response_length} must be at least 1 and leave a prompt in ${s.tokens.length} tokens`,
    });
  }
  for (const key of ['loss_mask', 'rollout_log_probs', 'teacher_log_probs'] as const) {
    const list = s[key];
    if (list !== null && list.length !== s.response_length) {
      ctx.addIssue({ code: 'custom', path: [key], message: `${key} has ${list.length} entries but response_length is ${s.response_length}` });
    }
  }
});
export type TrainerSample = z.infer<typeof TrainerSampleSchema>;

export const TrainerBatchQuerySchema = z.object({
  size: z.coerce.number().int().min(1).max(4_096),
  timeoutMs: z.coerce.number().int().min(0).max(600_000).default(30_000),
});

export const TrainerBatchResponseSchema = z.object({
  batch: z.array(TrainerSampleSchema),
  policyVersion: z.string().nullable(),
});
export type TrainerBatchResponse = z.infer<typeof TrainerBatchResponseSchema>;

export const TrainerReportSchema = z.object({
  step: z.number().int().nonnegative(),
  policyVersion: z.string().min(1).max(200),
  metrics: z.record(z.string(), z.number()),
  sampleIds: z.array(IdSchema),
  /**
   * The last step whose weights are saved to disk (-1: none yet). Samples trained in later steps stay
   * "trained but unsaved" and are offered again if the trainer restarts from an older checkpoint.
   * Absent: every reported step counts as saved.
   */
  savedThroughStep: z.number().int().min(-1).optional(),
});
export type TrainerReport = z.infer<typeof TrainerReportSchema>;

/** The trainer tells the gateway a weight push starts/ends so chat can wait instead of failing. */
export const TrainerWeightsSchema = z.object({
  state: z.enum(['updating', 'ready']),
  policyVersion: z.string().min(1).max(200).nullable(),
  /** A repeat 'updating' sent while a push runs: it extends a hold already under way, never starts one. */
  heartbeat: z.boolean().optional(),
  /**
   * Sent with the first 'ready' after the trainer (re)starts: the step it resumes at. Samples trained
   * in this step or later but never saved are offered again; unsaved ones from earlier steps count as saved.
   */
  restartedAtStep: z.number().int().nonnegative().optional(),
  /**
   * With 'updating': answer only once the chat replies SGLang is streaming have finished, or after this
   * long. slime pauses SGLang in its default "abort" mode before a push, which would cut them off.
   */
  drainTimeoutMs: z.number().int().min(0).max(600_000).optional(),
});
export type TrainerWeights = z.infer<typeof TrainerWeightsSchema>;

/**
 * The answer to a weights update. As it is sent: `activeReplies` chat replies still streaming from
 * the policy SGLang, `activeBuilds` sample builds still using it (counted only where the policy engine
 * is also the teacher/judge, as on one GPU).
 */
export const TrainerWeightsResponseSchema = z.object({
  state: z.enum(['updating', 'ready']),
  policyVersion: z.string().nullable(),
  updating: z.boolean(),
  activeReplies: z.number().int().nonnegative(),
  activeBuilds: z.number().int().nonnegative(),
});
export type TrainerWeightsResponse = z.infer<typeof TrainerWeightsResponseSchema>;

export const TrainerConfirmSchema = z.object({ sampleIds: z.array(IdSchema).max(65_536) });
export type TrainerConfirm = z.infer<typeof TrainerConfirmSchema>;

/** Samples the trainer must drop: withdrawn (superseded), already trained or unknown to the gateway. */
export const TrainerConfirmResponseSchema = z.object({ withdrawn: z.array(IdSchema) });
export type TrainerConfirmResponse = z.infer<typeof TrainerConfirmResponseSchema>;

export const TrainerRejectSchema = z.object({
  rejected: z.array(z.object({ sampleId: IdSchema, error: z.string().min(1).max(2_000) })).min(1).max(4_096),
});
export type TrainerReject = z.infer<typeof TrainerRejectSchema>;

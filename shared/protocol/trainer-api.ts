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
});
export type TrainerReport = z.infer<typeof TrainerReportSchema>;

/** The trainer tells the gateway a weight push starts/ends so chat can wait instead of failing. */
export const TrainerWeightsSchema = z.object({
  state: z.enum(['updating', 'ready']),
  policyVersion: z.string().min(1).max(200).nullable(),
});
export type TrainerWeights = z.infer<typeof TrainerWeightsSchema>;

import { z } from 'zod';
import type { GatewayPlugin } from '../gateway/server';
import { createTrainingPlugin, type TrainingOptions } from './training-plugin';

/**
 * The training side's settings for `npm run box`, from the environment (the gateway's command line
 * stays small):
 *   APPRENTICE_MODEL_DIR            the policy's model folder (default: SGLang's tokenizer_path)
 *   APPRENTICE_ONPOLICY_SAMPLES     k on-policy samples per hinted turn (default 2; 0 = off)
 *   APPRENTICE_TEACHER_CONCURRENCY  concurrent teacher scoring calls (default 4)
 *   APPRENTICE_JUDGE_VOTES          votes of the box-side judge that decides inferred rewards
 *                                   (default 3; 0 = off: then only inferred rewards the app marked
 *                                   trainable without a judge train)
 *   APPRENTICE_JUDGE_MAX_TOKENS     new tokens per judge vote (default 8192, room for a thinking judge)
 *   APPRENTICE_JUDGE_REGENERATIONS  1: judge on-policy samples against the hint (default 0)
 *   APPRENTICE_LEASE_MS             how long the trainer holds a batch before it is re-offered
 *   APPRENTICE_ENABLE_THINKING      1: render unserved replies with thinking on (default 0)
 */

/** OpenClaw-RL's m: three votes at temperature 0.6, the majority wins. */
const DEFAULT_JUDGE_VOTES = 3;

export class TrainingEnvError extends Error {
  override name = 'TrainingEnvError';
}

const intVar = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))
    .optional();
const flagVar = (name: string) => z.enum(['0', '1'], { message: `${name} must be 0 or 1` }).optional();

const EnvSchema = z.object({
  APPRENTICE_MODEL_DIR: z.string().min(1).optional(),
  APPRENTICE_ONPOLICY_SAMPLES: intVar('APPRENTICE_ONPOLICY_SAMPLES', 0, 16),
  APPRENTICE_TEACHER_CONCURRENCY: intVar('APPRENTICE_TEACHER_CONCURRENCY', 1, 64),
  APPRENTICE_JUDGE_VOTES: intVar('APPRENTICE_JUDGE_VOTES', 0, 15),
  APPRENTICE_JUDGE_MAX_TOKENS: intVar('APPRENTICE_JUDGE_MAX_TOKENS', 16, 32_768),
  APPRENTICE_JUDGE_REGENERATIONS: flagVar('APPRENTICE_JUDGE_REGENERATIONS'),
  APPRENTICE_LEASE_MS: intVar('APPRENTICE_LEASE_MS', 1_000, 86_400_000),
  APPRENTICE_ENABLE_THINKING: flagVar('APPRENTICE_ENABLE_THINKING'),
});

export function trainingOptionsFromEnv(env: NodeJS.ProcessEnv): TrainingOptions {
  const picked = Object.fromEntries(Object.keys(EnvSchema.shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) throw new TrainingEnvError(parsed.error.issues.map((i) => i.message).join('; '));
  const e = parsed.data;
  const votes = e.APPRENTICE_JUDGE_VOTES ?? DEFAULT_JUDGE_VOTES;
  return {
    modelDir: e.APPRENTICE_MODEL_DIR ?? null,
    onPolicySamplesPerHint: e.APPRENTICE_ONPOLICY_SAMPLES,
    teacherConcurrency: e.APPRENTICE_TEACHER_CONCURRENCY,
    judge: votes > 0 ? { votes, maxTokens: e.APPRENTICE_JUDGE_MAX_TOKENS, judgeRegenerations: e.APPRENTICE_JUDGE_REGENERATIONS === '1' } : null,
    leaseMs: e.APPRENTICE_LEASE_MS,
    templateKwargs: { enable_thinking: e.APPRENTICE_ENABLE_THINKING === '1' },
  };
}

/** The training plugin configured from the environment; bad settings fail the gateway's start clearly. */
export function trainingPluginFromEnv(env: NodeJS.ProcessEnv): GatewayPlugin {
  return (gateway) => createTrainingPlugin(trainingOptionsFromEnv(env))(gateway);
}

import { describe, expect, it } from 'vitest';
import { TrainingEnvError, trainingOptionsFromEnv } from '../../../box/training/training-options-from-env';
import { TrainingOptionsSchema } from '../../../box/training/training-plugin';

describe('trainingOptionsFromEnv', () => {
  it('uses the defaults when nothing is set (judge on with 3 votes at 0.6 and a thinking budget, thinking off)', () => {
    const options = TrainingOptionsSchema.parse(trainingOptionsFromEnv({}));
    expect(options).toMatchObject({
      modelDir: null,
      onPolicySamplesPerHint: 2,
      teacherConcurrency: 4,
      judge: { votes: 3, temperature: 0.6, maxTokens: 8_192, judgeRegenerations: false },
      templateKwargs: { enable_thinking: false },
    });
    // A plugin built without options judges too.
    expect(TrainingOptionsSchema.parse({}).judge).toMatchObject({ votes: 3, temperature: 0.6, maxTokens: 8_192 });
  });

  it('turns the judge off only when asked (APPRENTICE_JUDGE_VOTES=0)', () => {
    expect(TrainingOptionsSchema.parse(trainingOptionsFromEnv({ APPRENTICE_JUDGE_VOTES: '0' })).judge).toBeNull();
    expect(TrainingOptionsSchema.parse({ judge: null }).judge).toBeNull();
  });

  it('reads every setting', () => {
    const options = TrainingOptionsSchema.parse(
      trainingOptionsFromEnv({
        APPRENTICE_MODEL_DIR: '/models/qwen3',
        APPRENTICE_ONPOLICY_SAMPLES: '0',
        APPRENTICE_TEACHER_CONCURRENCY: '8',
        APPRENTICE_JUDGE_VOTES: '5',
        APPRENTICE_JUDGE_MAX_TOKENS: '4096',
        APPRENTICE_JUDGE_REGENERATIONS: '1',
        APPRENTICE_LEASE_MS: '60000',
        APPRENTICE_ENABLE_THINKING: '1',
      }),
    );
    expect(options).toMatchObject({
      modelDir: '/models/qwen3',
      onPolicySamplesPerHint: 0,
      teacherConcurrency: 8,
      judge: { votes: 5, maxTokens: 4_096, judgeRegenerations: true, temperature: 0.6 },
      leaseMs: 60_000,
      templateKwargs: { enable_thinking: true },
    });
  });

  it('names the bad variable', () => {
    expect(() => trainingOptionsFromEnv({ APPRENTICE_TEACHER_CONCURRENCY: 'lots' })).toThrow(TrainingEnvError);
    expect(() => trainingOptionsFromEnv({ APPRENTICE_TEACHER_CONCURRENCY: 'lots' })).toThrow(/APPRENTICE_TEACHER_CONCURRENCY must be a whole number/);
    expect(() => trainingOptionsFromEnv({ APPRENTICE_JUDGE_VOTES: '99' })).toThrow(/at most 15/);
    expect(() => trainingOptionsFromEnv({ APPRENTICE_JUDGE_MAX_TOKENS: '8' })).toThrow(/APPRENTICE_JUDGE_MAX_TOKENS must be at least 16/);
    expect(() => trainingOptionsFromEnv({ APPRENTICE_ENABLE_THINKING: 'yes' })).toThrow(/0 or 1/);
  });
});

import { describe, expect, it } from 'vitest';
import { TrainingEnvError, trainingOptionsFromEnv } from '../../../box/training/training-options-from-env';
import { TrainingOptionsSchema } from '../../../box/training/training-plugin';

describe('trainingOptionsFromEnv', () => {
  it('uses the defaults when nothing is set (judge off, thinking off)', () => {
    const options = TrainingOptionsSchema.parse(trainingOptionsFromEnv({}));
    expect(options).toMatchObject({ modelDir: null, onPolicySamplesPerHint: 2, teacherConcurrency: 4, judge: null, templateKwargs: { enable_thinking: false } });
  });

  it('reads every setting', () => {
    const options = TrainingOptionsSchema.parse(
      trainingOptionsFromEnv({
        APPRENTICE_MODEL_DIR: '/models/qwen3',
        APPRENTICE_ONPOLICY_SAMPLES: '0',
        APPRENTICE_TEACHER_CONCURRENCY: '8',
        APPRENTICE_JUDGE_VOTES: '5',
        APPRENTICE_JUDGE_REGENERATIONS: '1',
        APPRENTICE_LEASE_MS: '60000',
        APPRENTICE_ENABLE_THINKING: '1',
      }),
    );
    expect(options).toMatchObject({
      modelDir: '/models/qwen3',
      onPolicySamplesPerHint: 0,
      teacherConcurrency: 8,
      judge: { votes: 5, judgeRegenerations: true, temperature: 0.6 },
      leaseMs: 60_000,
      templateKwargs: { enable_thinking: true },
    });
  });

  it('names the bad variable', () => {
    expect(() => trainingOptionsFromEnv({ APPRENTICE_TEACHER_CONCURRENCY: 'lots' })).toThrow(TrainingEnvError);
    expect(() => trainingOptionsFromEnv({ APPRENTICE_TEACHER_CONCURRENCY: 'lots' })).toThrow(/APPRENTICE_TEACHER_CONCURRENCY must be a whole number/);
    expect(() => trainingOptionsFromEnv({ APPRENTICE_JUDGE_VOTES: '99' })).toThrow(/at most 15/);
    expect(() => trainingOptionsFromEnv({ APPRENTICE_ENABLE_THINKING: 'yes' })).toThrow(/0 or 1/);
  });
});

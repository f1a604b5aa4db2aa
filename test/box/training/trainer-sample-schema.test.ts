import { describe, expect, it } from 'vitest';
import { TrainerSampleSchema, type TrainerSample } from '../../../shared/protocol/trainer-api';

const good: TrainerSample = {
  sampleId: 's',
  personaId: 'p',
  sourceSampleId: 's',
  index: 1,
  tokens: [1, 2, 3, 4],
  response_length: 2,
  loss_mask: [1, 1],
  rollout_log_probs: [-0.1, -0.2],
  reward: 1,
  teacher_log_probs: [-0.3, -0.4],
  retokenized: false,
  hint: 'h',
  policyVersion: 'v',
};

describe('TrainerSampleSchema cross-field rules (the trainer enforces the same)', () => {
  it('accepts a consistent sample', () => {
    expect(TrainerSampleSchema.safeParse(good).success).toBe(true);
  });

  it.each([
    ['no prompt left', { response_length: 4, loss_mask: [1, 1, 1, 1], rollout_log_probs: [-1, -1, -1, -1], teacher_log_probs: null }, 'response_length'],
    ['an empty response', { response_length: 0, loss_mask: [], rollout_log_probs: [], teacher_log_probs: null }, 'response_length'],
    ['a short loss mask', { loss_mask: [1] }, 'loss_mask'],
    ['a long rollout list', { rollout_log_probs: [-1, -1, -1] }, 'rollout_log_probs'],
    ['a short teacher list', { teacher_log_probs: [-1] }, 'teacher_log_probs'],
  ])('rejects %s, naming the field', (_what, patch, field) => {
    const result = TrainerSampleSchema.safeParse({ ...good, ...patch });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path[0])).toContain(field);
  });
});

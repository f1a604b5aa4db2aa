import { describe, expect, it } from 'vitest';
import { trainingStepMessage } from '../../../box/training/training-step-message';

describe('training step message', () => {
  it('counts signals and samples in words that agree in number', () => {
    expect(trainingStepMessage({ step: 3, signals: 1, samples: 1, rewardMean: -1, policyVersion: 'p3' })).toBe(
      'Training step 3 learned from one of your signals (1 sample, reward mean -1.00) → policy p3.',
    );
    expect(trainingStepMessage({ step: 4, signals: 5, samples: 9, rewardMean: 0.2, loss: 0.12345, policyVersion: 'p4' })).toBe(
      'Training step 4 learned from 5 of your signals (9 samples, reward mean 0.20, loss 0.1235) → policy p4.',
    );
  });
});

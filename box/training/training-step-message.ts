/**
 * What the timeline says about a training step: how many of the user's signals it learned from (one of
 * them, or n of them), how many samples that made, and the policy it produced.
 */
export function trainingStepMessage(step: { step: number; signals: number; samples: number; rewardMean: number; loss?: number; policyVersion: string }): string {
  const signals = step.signals === 1 ? 'one of your signals' : `${step.signals} of your signals`;
  const samples = `${step.samples} sample${step.samples === 1 ? '' : 's'}`;
  const loss = step.loss === undefined ? '' : `, loss ${step.loss.toFixed(4)}`;
  return `Training step ${step.step} learned from ${signals} (${samples}, reward mean ${step.rewardMean.toFixed(2)}${loss}) → policy ${step.policyVersion}.`;
}

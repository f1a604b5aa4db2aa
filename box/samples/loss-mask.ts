/**
 * Which response tokens train. OpenClaw-RL's binary-RL rule: no next state, or reward 0, means the
 * sample carries no signal and its loss mask is all zeros. We differ in one place: a sample with
 * teacher log-probs (an OPD hint) still teaches through the distillation term even when its reward
 * is 0, so its tokens stay in the loss (OpenClaw-RL keeps such samples only in its separate OPD mode).
 */
export function lossMaskFor(input: {
  responseLength: number;
  reward: number;
  hasNextState: boolean;
  hasTeacherLogprobs: boolean;
}): (0 | 1)[] {
  const rlSignal = input.hasNextState && input.reward !== 0;
  const on: 0 | 1 = rlSignal || input.hasTeacherLogprobs ? 1 : 0;
  return new Array<0 | 1>(input.responseLength).fill(on);
}

export function isTrainable(lossMask: readonly (0 | 1)[]): boolean {
  return lossMask.some((m) => m === 1);
}

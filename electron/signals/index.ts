/** The signal engine's public API (see README.md). */
export { classifyFollowUp } from './classify-follow-up';
export { buildInlineMarkHint } from './build-inline-mark-hint';
export { buildEditHint } from './build-edit-hint';
export { buildThumbHint } from './build-thumb-hint';
export { createJudge } from './judge/create-judge';
export { combineVerdicts, shouldAskJudge } from './combine-verdicts';
export { isTrainableWithoutJudge, TRAINABLE_PRECISION } from './trainable-without-judge';
export type { FollowUpInput, JudgeVerdict, SignalVerdict, Turn } from './types';

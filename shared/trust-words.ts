import type { DecidedBy, JudgeTally, TrainingFate } from './domain';
import { describeTally } from './judge-votes';

/** Who decided a reward, as the app says it: "you", "judge 3-0", "detector". */
export function decidedByWords(decidedBy: DecidedBy, judgeTally: JudgeTally | null): string {
  if (decidedBy === 'user') return 'you';
  if (decidedBy === 'judge') return judgeTally ? `judge ${describeTally(judgeTally)}` : 'judge';
  return 'detector';
}

/** Whether a signal trains, in the words the badge and the timeline use. */
export const FATE_WORDS: Record<TrainingFate, string> = {
  awaiting_judge: 'judge pending',
  will_train: 'will train',
  trained: 'trained',
  unsure: 'unsure — not trained',
  no_signal: 'no signal — not trained',
  not_from_policy: "not from your box's model — not trained",
  removed: 'removed — not trained',
  reverted: 'reverted — left out of later steps',
};

/** "judge 3-0 · will train", "you · trained", "detector · unsure — not trained", "removed — not trained". */
export function trustWords(signal: { decidedBy: DecidedBy; judgeTally: JudgeTally | null; fate: TrainingFate }): string {
  const { fate } = signal;
  // Whoever decided, these say it all: nobody's reward trains here.
  if (fate === 'awaiting_judge' || fate === 'unsure' || fate === 'not_from_policy' || fate === 'removed' || fate === 'reverted') return FATE_WORDS[fate];
  return `${decidedByWords(signal.decidedBy, signal.judgeTally)} · ${FATE_WORDS[fate]}`;
}

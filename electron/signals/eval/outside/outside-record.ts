import type { InferredLabel, Reward } from '../../../../shared/domain';
import type { EvalRecord } from '../eval-record';
import type { Turn } from '../../types';
import { outsideSplitOf, type OutsideSplit } from './outside-split';

/** One eval record made from an outside set, with the split it belongs to. */
export interface OutsideRecord {
  split: OutsideSplit;
  record: EvalRecord;
}

/**
 * Outside sets label the *reply* (a thumbs-down, a breakdown), not the kind of follow-up, so only the
 * polarity is meaningful: −1 is written as negative_other, +1 as positive, 0 as neutral. Read the
 * polarity metrics of an outside set, not the per-label ones.
 */
export function labelOfPolarity(polarity: Reward): InferredLabel {
  return polarity === 1 ? 'positive' : polarity === -1 ? 'negative_other' : 'neutral';
}

/** Earlier turns kept as context: the detector reads the last user request and, for pasted errors, earlier user turns. */
export const CONTEXT_TURNS = 8;

export function makeOutsideRecord(source: string, dialogueId: string, turnId: string | number, context: Turn[], assistant: string, nextUser: string, polarity: Reward): OutsideRecord {
  return {
    split: outsideSplitOf(source, dialogueId),
    record: {
      id: `${source}:${dialogueId}:${turnId}`.slice(0, 200),
      context: context.slice(-CONTEXT_TURNS),
      assistant,
      next_user: nextUser,
      label: labelOfPolarity(polarity),
    },
  };
}

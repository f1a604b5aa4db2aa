import type { SignalKind } from '../../shared/domain';

/** How the timeline and withheld samples name each kind of signal. */
export const SIGNAL_KIND_LABEL: Record<SignalKind, string> = {
  positive: 'Positive follow-up',
  correction: 'Correction',
  requery: 'Re-asked',
  neutral: 'Neutral follow-up',
  negative_other: 'Negative follow-up',
  thumb_up: 'Thumbs up',
  thumb_down: 'Thumbs down',
  inline_mark: 'Inline correction',
  edit: 'Edited reply',
  regenerate: 'Regenerated',
};

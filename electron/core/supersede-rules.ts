import type { Signal } from '../../shared/domain';

/** Signals the user gave on purpose; they beat anything inferred for the same reply. */
export function isExplicitSignal(signal: Signal): boolean {
  return signal.source === 'explicit';
}

/**
 * Explicit signals that a follow-up cannot overrule. A regeneration says only "show me another one":
 * when the user then settles on this reply after all and answers it, the follow-up judges it instead.
 */
export function isBindingExplicitSignal(signal: Signal): boolean {
  return isExplicitSignal(signal) && signal.kind !== 'regenerate';
}

/**
 * Which live signals of a reply a new explicit one replaces: every inferred one, and an earlier
 * explicit one of the same family (a second thumb or edit is a change of mind). Inline marks and
 * regenerations add up: each one says something different.
 */
export function signalsReplacedBy(kind: 'thumb' | 'inline_mark' | 'edit', active: readonly Signal[]): Signal[] {
  return active.filter((s) => {
    if (!isExplicitSignal(s)) return true;
    if (kind === 'thumb') return s.kind === 'thumb_up' || s.kind === 'thumb_down';
    if (kind === 'edit') return s.kind === 'edit';
    return false;
  });
}

/**
 * Which explicit signal a follow-up's hint joins when the reply already has explicit feedback: the
 * newest negative one without a hint of its own (a bare thumbs down, an edit that gave no hint).
 * Positive feedback, or feedback that carries the user's own hint, stands as it is.
 */
export function explicitSignalToCarryHint(active: readonly Signal[], hasHint: (signal: Signal) => boolean): Signal | null {
  const candidates = active.filter((s) => isBindingExplicitSignal(s) && s.reward < 0 && !hasHint(s));
  return candidates.reduce<Signal | null>((newest, s) => (!newest || s.createdAt >= newest.createdAt ? s : newest), null);
}

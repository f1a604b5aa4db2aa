import type { Hint, Signal } from '../../shared/domain';

export interface MessageFeedback {
  signal: Signal;
  hint: Hint | null;
}

/**
 * The signal that currently judges each assistant message (the one nothing superseded; the newest
 * if the core reports several) with its hint.
 */
export function feedbackByMessage(signals: Signal[], hints: Hint[]): Map<string, MessageFeedback> {
  const hintBySignal = new Map(hints.map((h) => [h.signalId, h]));
  const result = new Map<string, MessageFeedback>();
  for (const signal of signals) {
    if (signal.supersededBy !== null) continue;
    const current = result.get(signal.messageId);
    if (current && current.signal.createdAt > signal.createdAt) continue;
    result.set(signal.messageId, { signal, hint: hintBySignal.get(signal.id) ?? null });
  }
  return result;
}

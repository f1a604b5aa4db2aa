import type { TimelineEvent } from '../../shared/domain';
import type { AppStore } from '../store/app-store';
import { dropHeldSample } from './settle-held-sample';

export type WithdrawReason = 'superseded' | 'persona_deleted' | 'removed';

const WHY: Record<WithdrawReason, { outboxError: string; summary: string }> = {
  superseded: {
    outboxError: 'superseded before review',
    summary: 'Hint withdrawn: a later signal for the same reply replaced it before review',
  },
  persona_deleted: {
    outboxError: 'persona deleted before review',
    summary: 'Hint withdrawn: its persona was deleted before review',
  },
  removed: {
    outboxError: 'removed by the user before review',
    summary: 'Hint withdrawn: you removed its signal before review',
  },
};

/**
 * A pending hint that can no longer be reviewed is rejected on the user's behalf and its held
 * outbox row settled without ever being sent. Runs inside the caller's transaction; returns the
 * timeline event to emit after commit (null when the signal had no pending hint).
 */
export function withdrawPendingHint(store: AppStore, signalId: string, reason: WithdrawReason, now = Date.now()): TimelineEvent | null {
  const pending = store.hints.getBySignal(signalId);
  if (!pending || pending.status !== 'pending') return null;
  const withdrawn = store.hints.review(pending.id, 'rejected', null, now);
  if (!withdrawn) return null;
  dropHeldSample(store, signalId, WHY[reason].outboxError);
  return store.timeline.append({
    id: `hint_reviewed:${withdrawn.id}`,
    personaId: withdrawn.personaId,
    kind: 'hint_reviewed',
    sampleId: signalId,
    messageId: withdrawn.messageId,
    summary: WHY[reason].summary,
    data: { hintId: withdrawn.id, signalId, status: withdrawn.status, edited: false, reason },
    createdAt: now,
  });
}

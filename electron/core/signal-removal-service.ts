import type { Signal, TimelineEvent } from '../../shared/domain';
import { SIGNAL_KIND_LABEL } from './signal-kind-label';
import type { CoreContext } from './core-context';
import { CoreError, notFound } from './core-error';
import { dropHeldSample } from './settle-held-sample';
import { describeTrust } from './signal-recorder';
import { withdrawPendingHint } from './withdraw-pending-hint';

const REMOVED_BEFORE_SENDING = 'removed by the user before it was sent';

/**
 * The user's veto: any live signal can be removed, explicit or inferred. In one transaction the
 * signal leaves the reply's live signals, a hint awaiting review is withdrawn, an outbox row that has
 * not gone out never will, and the box is queued a withdrawal for anything that may have reached it
 * (the sync worker sends it; the box withdraws the sample, or leaves it out of later steps if trained).
 */
export class SignalRemovalService {
  constructor(private readonly ctx: CoreContext) {}

  remove(signalId: string): { signal: Signal } {
    const { store } = this.ctx;
    const { signal, events } = store.db.transaction(() => {
      const existing = store.signals.get(signalId);
      if (!existing) throw notFound('signal', signalId);
      if (existing.removedAt !== null) throw new CoreError('conflict', 'This signal was already removed.');
      if (existing.supersededBy !== null) throw new CoreError('conflict', 'A later signal for this reply replaced this one; remove that one instead.');
      const now = Date.now();
      const removed = store.signals.remove(signalId, now);
      if (!removed) throw new CoreError('conflict', 'This signal was removed meanwhile.');
      const events: TimelineEvent[] = [];
      const hintWithdrawn = withdrawPendingHint(store, signalId, 'removed', now);
      if (hintWithdrawn) events.push(hintWithdrawn);

      const row = store.outbox.getBySignal(signalId);
      let stage: 'kept' | 'outbox' | 'box' = 'kept';
      if (row?.state === 'held') {
        dropHeldSample(store, signalId, REMOVED_BEFORE_SENDING);
        stage = 'outbox';
      } else if (row?.state === 'pending' || row?.state === 'acked') {
        // A pending row may be in flight right now: settle it here and tell the box either way.
        if (row.state === 'pending') store.outbox.markRejected(row.sampleId, REMOVED_BEFORE_SENDING);
        store.withdrawals.enqueue({ sampleId: row.sampleId, personaId: row.personaId, signalId }, now);
        stage = row.state === 'pending' && row.sentAt === null ? 'outbox' : 'box';
      }
      const appended = store.timeline.append({
        id: `removed:${signalId}`,
        personaId: removed.personaId,
        kind: 'removed',
        sampleId: signalId,
        messageId: removed.messageId,
        summary: `You removed ${SIGNAL_KIND_LABEL[removed.kind].toLowerCase()}: ${describeTrust(removed)}${stage === 'box' ? ' (the box is told to withdraw it)' : ''}`,
        data: { signalId, kind: removed.kind, reward: removed.reward, fate: removed.fate, decidedBy: removed.decidedBy, stage },
        createdAt: now,
      });
      if (appended) events.push(appended);
      return { signal: removed, events };
    })();
    for (const event of events) this.ctx.events.emit('timeline:appended', event);
    this.ctx.events.emit('signals:changed', { conversationId: signal.conversationId, messageId: signal.messageId });
    this.ctx.nudgeSync();
    return { signal };
  }
}

import type { Hint } from '../../shared/domain';
import type { CoreContext } from './core-context';
import { CoreError, notFound } from './core-error';
import { releaseHeldSample } from './settle-held-sample';
import { clip } from './signal-recorder';

/**
 * Review of hints held back in 'review' mode. Approving releases the held outbox row with the (maybe
 * edited) hint; rejecting releases it with only the reward, so neither a rejected hint nor the words
 * it was built from ever leave the machine.
 */
export class HintReviewService {
  constructor(private readonly ctx: CoreContext) {}

  review(hintId: string, action: 'approve' | 'reject', text: string | undefined): Hint {
    const { store } = this.ctx;
    const { hint, event } = store.db.transaction(() => {
      const existing = store.hints.get(hintId);
      if (!existing) throw notFound('hint', hintId);
      if (existing.status !== 'pending') throw new CoreError('conflict', `This hint was already ${existing.status === 'auto' ? 'sent automatically' : existing.status}.`);
      const reviewed = store.hints.review(hintId, action === 'approve' ? 'approved' : 'rejected', action === 'approve' ? (text ?? null) : null);
      if (!reviewed) throw new CoreError('conflict', 'This hint was reviewed meanwhile.');
      releaseHeldSample(store, reviewed.signalId, action === 'approve' ? reviewed.text : null);
      const appended = store.timeline.append({
        id: `hint_reviewed:${reviewed.id}`,
        personaId: reviewed.personaId,
        kind: 'hint_reviewed',
        sampleId: reviewed.signalId,
        messageId: reviewed.messageId,
        summary: action === 'approve' ? `Hint approved${text && text !== existing.text ? ' (edited)' : ''}: ${clip(reviewed.text, 160)}` : 'Hint rejected; the signal goes without it',
        data: { hintId: reviewed.id, signalId: reviewed.signalId, status: reviewed.status, edited: action === 'approve' && text !== undefined && text !== existing.text },
      });
      return { hint: reviewed, event: appended };
    })();
    if (event) this.ctx.events.emit('timeline:appended', event);
    const signal = store.signals.get(hint.signalId);
    if (signal) this.ctx.events.emit('signals:changed', { conversationId: signal.conversationId, messageId: signal.messageId });
    this.ctx.nudgeSync();
    return hint;
  }
}

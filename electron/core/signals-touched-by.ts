import type { TimelineEvent } from '../../shared/domain';
import type { AppStore } from '../store/app-store';

const BOX_VERDICT_KINDS = new Set<TimelineEvent['kind']>(['sample_ready', 'not_trained', 'withdrawn', 'training_step']);

/**
 * The replies whose signals a timeline event from the sync worker changed (the worker updated their
 * trust in its own transaction), so windows refetch their badges. Sample ids are signal ids; ids of
 * regenerated samples or of other apps' signals are simply not found.
 */
export function signalsTouchedBy(store: AppStore, event: TimelineEvent): { conversationId: string; messageId: string }[] {
  if (!BOX_VERDICT_KINDS.has(event.kind)) return [];
  const ids = Array.isArray(event.data.sampleIds) ? event.data.sampleIds.filter((id): id is string => typeof id === 'string') : [];
  const seen = new Set<string>();
  const touched: { conversationId: string; messageId: string }[] = [];
  for (const id of ids.slice(0, 1_000)) {
    const signal = store.signals.get(id);
    if (!signal || seen.has(signal.messageId)) continue;
    seen.add(signal.messageId);
    touched.push({ conversationId: signal.conversationId, messageId: signal.messageId });
  }
  return touched;
}

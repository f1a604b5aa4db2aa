import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useApiHandle } from '../ipc/api-context';
import type { ReplyWaiting } from './learning-notice';
import { applyDelta, applyMessage, emptyThread, type ThreadCache } from './message-cache';
import { queryKeys } from './query-keys';

/** How long bursts of events (a replay of many progress events) are coalesced into one refetch. */
const COALESCE_MS = 150;
/**
 * Samples moving to the box (sent, stored) arrive in bursts for as long as a backlog drains, and the
 * Learning tab's refresh reads every signal of the persona: at most one refresh a second for them.
 */
const DELIVERY_COALESCE_MS = 1_000;

/**
 * Wires the core's pushed events into the query cache: message text is patched in place as it
 * streams; everything else is invalidated so the views refetch. After the browser-mode socket
 * reconnects, everything is refetched because events may have been missed while it was down.
 */
export function useLiveUpdates(): void {
  const { api, connection } = useApiHandle();
  const queryClient = useQueryClient();

  useEffect(() => {
    // One batch of keys per coalescing window, invalidated together when its window ends.
    const batches = new Map<number, { keys: Map<string, QueryKey>; timer: ReturnType<typeof setTimeout> }>();
    const invalidateSoon = (key: QueryKey, windowMs = COALESCE_MS) => {
      let batch = batches.get(windowMs);
      if (!batch) {
        const keys = new Map<string, QueryKey>();
        const timer = setTimeout(() => {
          batches.delete(windowMs);
          for (const queryKey of keys.values()) void queryClient.invalidateQueries({ queryKey });
        }, windowMs);
        batch = { keys, timer };
        batches.set(windowMs, batch);
      }
      batch.keys.set(JSON.stringify(key), key);
    };

    const patchThread = (conversationId: string, update: (thread: ThreadCache) => ThreadCache) => {
      const key = queryKeys.messages(conversationId);
      // Only threads someone has opened are patched; others are fetched fresh when opened. An opened
      // thread whose first fetch is still running gets the event too: that fetch may predate it.
      if (!queryClient.getQueryCache().find({ queryKey: key, exact: true })) return;
      queryClient.setQueryData<ThreadCache>(key, (thread) => update(thread ?? emptyThread));
    };

    const stopWaiting = (messageId: string) => queryClient.removeQueries({ queryKey: queryKeys.replyWaiting(messageId), exact: true });

    const offs = [
      api.on('chat:waiting', (event) =>
        queryClient.setQueryData<ReplyWaiting>(queryKeys.replyWaiting(event.messageId), { resumeInMs: event.resumeInMs, receivedAt: Date.now() }),
      ),
      api.on('chat:delta', (event) => {
        stopWaiting(event.messageId);
        patchThread(event.conversationId, (t) => applyDelta(t, event.messageId, event.delta, event.reasoning));
      }),
      api.on('chat:message', (message) => {
        stopWaiting(message.id);
        patchThread(message.conversationId, (t) => applyMessage(t, message));
        invalidateSoon(queryKeys.conversationsAll);
      }),
      api.on('signals:changed', (event) => {
        invalidateSoon(queryKeys.signals(event.conversationId));
      }),
      api.on('conversation:changed', (conversation) => {
        invalidateSoon(queryKeys.conversations(conversation.personaId));
      }),
      api.on('timeline:appended', (event) => {
        invalidateSoon(queryKeys.learningAll(event.personaId));
        if (event.kind === 'hint' || event.kind === 'hint_reviewed' || event.kind === 'signal') {
          invalidateSoon(queryKeys.hintsAll(event.personaId));
        }
      }),
      api.on('learning:changed', (event) => {
        invalidateSoon(queryKeys.learningAll(event.personaId), DELIVERY_COALESCE_MS);
      }),
      api.on('box:status', (status) => {
        queryClient.setQueryData(queryKeys.boxStatus, { status, receivedAt: Date.now() });
      }),
    ];

    let opens = connection?.status().opens ?? 0;
    const offStatus = connection?.onStatus((status) => {
      if (status.opens > opens && opens > 0) void queryClient.invalidateQueries();
      opens = status.opens;
    });

    return () => {
      for (const off of offs) off();
      offStatus?.();
      for (const batch of batches.values()) clearTimeout(batch.timer);
    };
  }, [api, connection, queryClient]);
}

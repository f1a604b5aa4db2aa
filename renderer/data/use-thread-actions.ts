import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Message } from '../../shared/domain';
import { useApi } from '../ipc/api-context';
import { applyFetchedList, emptyThread, replaceFrom, type ThreadCache } from './message-cache';
import { queryKeys } from './query-keys';

/**
 * What changes which version of a turn the thread shows: regenerate (or retry), switching versions,
 * resending an edited message. Each puts the new branch in the cache at once, then rereads the
 * thread for the versions the core now lists.
 */
export function useThreadActions(conversationId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const key = queryKeys.messages(conversationId);
  // A list read before the switch must not land after it and bring the old branch back.
  const update = async (change: (thread: ThreadCache) => ThreadCache) => {
    await queryClient.cancelQueries({ queryKey: key });
    queryClient.setQueryData<ThreadCache>(key, (thread) => change(thread ?? emptyThread));
  };
  const reread = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: queryKeys.signals(conversationId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.conversationsAll });
  };

  const regenerate = useMutation({
    mutationFn: (messageId: string) => api.invoke('chat:regenerate', { messageId }),
    onSuccess: async (result, messageId) => {
      await update((thread) => replaceFrom(thread, messageId, [result.assistantMessage]));
      reread();
    },
  });
  const selectVersion = useMutation({
    mutationFn: (messageId: string) => api.invoke('messages:select', { messageId }),
    onSuccess: async (list: Message[]) => {
      // The thread as the core now shows it, whole: nothing streams while versions switch, so no row
      // of the cache is newer than this list.
      await update((thread) => applyFetchedList({ messages: [], orphanText: thread.orphanText }, list));
      void queryClient.invalidateQueries({ queryKey: queryKeys.signals(conversationId) });
    },
  });
  const editAndResend = useMutation({
    mutationFn: (input: { messageId: string; content: string }) => api.invoke('chat:editAndResend', input),
    onSuccess: async (result, input) => {
      await update((thread) => replaceFrom(thread, input.messageId, [result.userMessage, result.assistantMessage]));
      reread();
    },
  });
  return { regenerate, selectVersion, editAndResend };
}

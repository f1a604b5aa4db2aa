import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../ipc/api-context';
import { applyFetchedList, emptyThread, type ThreadCache } from './message-cache';
import { queryKeys } from './query-keys';

/** Data the views read through the IPC contract. Live events keep these caches fresh (see useLiveUpdates). */

export function useAppInfo() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: () => api.invoke('app:info', {}), staleTime: Infinity });
}

export function useSettings() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => api.invoke('settings:get', {}) });
}

export function useBoxStatus() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.boxStatus,
    queryFn: async () => ({ status: await api.invoke('box:status', {}), receivedAt: Date.now() }),
  });
}

export function usePersonas() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.personas, queryFn: () => api.invoke('personas:list', {}) });
}

export function useConversations(personaId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.conversations(personaId ?? ''),
    queryFn: () => api.invoke('conversations:list', { personaId: personaId! }),
    enabled: personaId !== null,
  });
}

export function useThread(conversationId: string | null) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.messages(conversationId ?? ''),
    queryFn: async (): Promise<ThreadCache> => {
      const fetched = await api.invoke('messages:list', { conversationId: conversationId! });
      const cached = queryClient.getQueryData<ThreadCache>(queryKeys.messages(conversationId!)) ?? emptyThread;
      return applyFetchedList(cached, fetched);
    },
    enabled: conversationId !== null,
  });
}

export function useConversationSignals(conversationId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.signals(conversationId ?? ''),
    queryFn: () => api.invoke('signals:listForConversation', { conversationId: conversationId! }),
    enabled: conversationId !== null,
  });
}

export type HintFilter = 'pending' | 'approved' | 'rejected' | 'auto' | 'all';

export function useHints(personaId: string | null, status: HintFilter) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.hints(personaId ?? '', status),
    queryFn: () => api.invoke('hints:list', status === 'all' ? { personaId: personaId! } : { personaId: personaId!, status }),
    enabled: personaId !== null,
  });
}

/** The Learning tab: acceptance curve, versions and tiles (counted over the signals learning:signals lists). */
export function useLearningSummary(personaId: string) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.learningSummary(personaId), queryFn: () => api.invoke('learning:summary', { personaId }) });
}

/** The persona's signals that teach something, each with its life. */
export function useLearningSignals(personaId: string) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.learningSignals(personaId), queryFn: () => api.invoke('learning:signals', { personaId }) });
}

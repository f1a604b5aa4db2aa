import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TimelineKind } from '../../shared/domain';
import { useApi } from '../ipc/api-context';
import { applyFetchedList, emptyThread, type ThreadCache } from './message-cache';
import { CHART_EVENT_KINDS } from '../timeline/timeline-chart-data';
import { queryKeys } from './query-keys';

/** Data the views read through the IPC contract. Live events keep these caches fresh (see useLiveUpdates). */

export const TIMELINE_PAGE = 100;

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

export function useTimeline(personaId: string | null, kinds: TimelineKind[]) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.timeline(personaId ?? '', kinds),
    queryFn: ({ pageParam }) =>
      api.invoke('timeline:list', {
        personaId: personaId!,
        limit: TIMELINE_PAGE,
        ...(kinds.length > 0 ? { kinds } : {}),
        ...(pageParam !== null ? { beforeSeq: pageParam } : {}),
      }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => (last.length < TIMELINE_PAGE ? null : (last[last.length - 1]?.seq ?? null)),
    enabled: personaId !== null,
  });
}

export function useTimelineStats(personaId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.timelineStats(personaId ?? ''),
    queryFn: () => api.invoke('timeline:stats', { personaId: personaId! }),
    enabled: personaId !== null,
  });
}

/** The newest signal, judge and training-step events, for the timeline's charts. */
export function useTimelineChartEvents(personaId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: [...queryKeys.timelineAll(personaId ?? ''), 'chart'],
    queryFn: () => api.invoke('timeline:list', { personaId: personaId!, limit: 500, kinds: [...CHART_EVENT_KINDS] }),
    enabled: personaId !== null,
  });
}

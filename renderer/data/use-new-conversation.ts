import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Conversation } from '../../shared/domain';
import { useApi } from '../ipc/api-context';
import { useUi } from '../state/ui-store-context';
import { queryKeys } from './query-keys';

/** Starts a conversation with a persona and opens it (the + button, "New conversation", Ctrl/Cmd+N). */
export function useNewConversation() {
  const api = useApi();
  const queryClient = useQueryClient();
  const selectConversation = useUi((s) => s.selectConversation);
  return useMutation({
    mutationFn: (personaId: string) => api.invoke('conversations:create', { personaId }),
    onSuccess: (conversation: Conversation) => {
      queryClient.setQueryData<Conversation[]>(queryKeys.conversations(conversation.personaId), (list) => [conversation, ...(list ?? [])]);
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations(conversation.personaId) });
      selectConversation(conversation.id);
    },
  });
}

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
    onSuccess: async (conversation: Conversation) => {
      const key = queryKeys.conversations(conversation.personaId);
      // A list fetched before the conversation existed must not land after it and drop the selection.
      await queryClient.cancelQueries({ queryKey: key });
      queryClient.setQueryData<Conversation[]>(key, (list) => [conversation, ...(list ?? []).filter((c) => c.id !== conversation.id)]);
      selectConversation(conversation.id);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}

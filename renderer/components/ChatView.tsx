import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { applyMessage, emptyThread, lastAssistantMessage, streamingMessage, type ThreadCache } from '../data/message-cache';
import { feedbackByMessage } from '../data/message-signals';
import { useConversationSignals, useThread } from '../data/queries';
import { queryKeys } from '../data/query-keys';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { Composer } from './Composer';
import { MessageList } from './MessageList';

/** One conversation: the live thread and the composer. */
export function ChatView({ conversationId }: { conversationId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const thread = useThread(conversationId);
  const signals = useConversationSignals(conversationId);
  const data = thread.data ?? emptyThread;
  const streaming = streamingMessage(data);
  const last = lastAssistantMessage(data);
  const feedback = useMemo(() => feedbackByMessage(signals.data?.signals ?? [], signals.data?.hints ?? []), [signals.data]);

  const send = useMutation({
    mutationFn: (content: string) => api.invoke('chat:send', { conversationId, content }),
    onSuccess: (result) => {
      const key = queryKeys.messages(conversationId);
      const loaded = queryClient.getQueryData(key) !== undefined;
      queryClient.setQueryData<ThreadCache>(key, (t) => applyMessage(applyMessage(t ?? emptyThread, result.userMessage), result.assistantMessage));
      // Events for a thread that was not loaded yet were not applied (a reply may have failed already): read it once.
      if (!loaded) void queryClient.invalidateQueries({ queryKey: key });
      if (result.signal) void queryClient.invalidateQueries({ queryKey: queryKeys.signals(conversationId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversationsAll });
    },
  });
  const stop = useMutation({ mutationFn: (messageId: string) => api.invoke('chat:stop', { messageId }) });

  const onSend = useCallback(
    async (content: string) => {
      try {
        await send.mutateAsync(content);
        return true;
      } catch {
        return false;
      }
    },
    [send],
  );
  const streamingId = streaming?.id ?? null;
  const onStop = useCallback(() => {
    if (streamingId) stop.mutate(streamingId);
  }, [stop, streamingId]);

  const error = thread.error ?? send.error ?? stop.error;
  return (
    <section className="chat" aria-label="Conversation">
      {thread.isLoading ? <p className="muted center">Loading…</p> : null}
      {!thread.isLoading && data.messages.length === 0 ? (
        <div className="empty-thread">
          <h3>Start the conversation</h3>
          <p className="muted">
            Talk as you normally would. When a reply misses, say so — “No, I meant …”, a thumbs down, or select the wrong part
            and say what it should have been. Each becomes a learning signal for this persona.
          </p>
        </div>
      ) : (
        <MessageList messages={data.messages} feedback={feedback} regenerableId={!streaming && last ? last.id : null} />
      )}
      {error ? (
        <p className="inline-error composer-error" role="alert" data-testid="chat-error">
          {describeError(error)}
        </p>
      ) : null}
      <Composer conversationId={conversationId} streaming={streaming !== null} sending={send.isPending} onSend={onSend} onStop={onStop} />
    </section>
  );
}

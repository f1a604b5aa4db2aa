import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Conversation, Settings } from '../../shared/domain';
import { connectEndpoint } from '../data/model-server';
import { usePersonas } from '../data/queries';
import { queryKeys } from '../data/query-keys';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { useUi } from '../state/ui-store-context';
import { ConnectServerForm } from './ConnectServerForm';
import { DetectedServers, type PickedServer } from './DetectedServers';
import '../styles/onboarding.css';

/**
 * First run (no box and no endpoint configured): connect something that can answer. A server on
 * this computer is one click; the GPU box or any OpenAI-compatible server takes a URL and a secret.
 */
export function Welcome() {
  const api = useApi();
  const queryClient = useQueryClient();
  const personas = usePersonas();
  const selectedPersonaId = useUi((s) => s.selectedPersonaId);
  const selectConversation = useUi((s) => s.selectConversation);
  const dismissWelcome = useUi((s) => s.dismissWelcome);

  // Connected: open a fresh conversation, so the next thing the user sees is the composer.
  const startChatting = useMutation({
    mutationFn: async (saved: Settings) => {
      queryClient.setQueryData(queryKeys.settings, saved);
      void queryClient.invalidateQueries({ queryKey: queryKeys.boxStatus });
      const personaId = selectedPersonaId ?? personas.data?.[0]?.id;
      if (!personaId) return null;
      const conversation = await api.invoke('conversations:create', { personaId });
      queryClient.setQueryData<Conversation[]>(queryKeys.conversations(personaId), (list) => [conversation, ...(list ?? [])]);
      return conversation;
    },
    onSuccess: (conversation) => conversation && selectConversation(conversation.id),
  });
  const pickDetected = useMutation({
    mutationFn: (picked: PickedServer) => connectEndpoint(api, picked),
    onSuccess: (saved) => startChatting.mutate(saved),
  });
  const error = pickDetected.error ?? startChatting.error;

  return (
    <div className="onboarding" data-testid="welcome">
      <h1>Connect a model to start chatting</h1>
      <p className="muted">
        <strong>Chat works with any model server</strong> — one on this computer, or any OpenAI-compatible URL.{' '}
        <strong>Learning needs your GPU box</strong>: it turns your corrections, thumbs and marks into training for your own
        model. Without a box, chat works and the signals wait safely on this computer until you connect one.
      </p>

      <section className="onboarding-card">
        <h2>On this computer</h2>
        <DetectedServers onPick={(picked) => pickDetected.mutate(picked)} busy={pickDetected.isPending || startChatting.isPending} pickLabel="Use this" />
      </section>

      <section className="onboarding-card">
        <h2>Connect my GPU box</h2>
        <p className="muted small">
          Chat through the box and let it learn. Start it with <code>npm run box -- --sglang URL</code> and use the URL and the token it
          prints (a token you choose must have at least 16 characters).
        </p>
        <ConnectServerForm kind="box" onConnected={(saved) => startChatting.mutate(saved)} />
      </section>

      <section className="onboarding-card">
        <h2>Any OpenAI-compatible server</h2>
        <p className="muted small">A base URL ending in /v1 and, if the server needs one, its API key.</p>
        <ConnectServerForm kind="endpoint" onConnected={(saved) => startChatting.mutate(saved)} />
      </section>

      {error ? <p className="inline-error">{describeError(error)}</p> : null}
      <button type="button" className="link-button" onClick={dismissWelcome} data-testid="welcome-skip">
        Skip for now — I’ll set it up in Settings
      </button>
    </div>
  );
}

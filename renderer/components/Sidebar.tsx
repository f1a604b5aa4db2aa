import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Conversation, Persona } from '../../shared/domain';
import { useConversations, usePersonas } from '../data/queries';
import { queryKeys } from '../data/query-keys';
import { useNewConversation } from '../data/use-new-conversation';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { useUi } from '../state/ui-store-context';
import { ConversationTools, type ToolsOutcome } from './ConversationTools';
import { PencilIcon, PlusIcon, TrashIcon } from './icons';

/** Personas, and the selected persona's conversations. */
export function Sidebar() {
  const personas = usePersonas();
  const selectedPersonaId = useUi((s) => s.selectedPersonaId);
  const selectPersona = useUi((s) => s.selectPersona);
  const openPersonaEditor = useUi((s) => s.openPersonaEditor);
  const reconcilePersonas = useUi((s) => s.reconcilePersonas);

  useEffect(() => {
    if (!personas.data) return;
    reconcilePersonas(personas.data.map((p) => p.id));
    if (!selectedPersonaId && personas.data[0]) selectPersona(personas.data[0].id);
  }, [personas.data, selectedPersonaId, reconcilePersonas, selectPersona]);

  return (
    <nav className="sidebar" aria-label="Personas and conversations">
      <section>
        <header className="sidebar-header">
          <h2>Personas</h2>
          <button type="button" className="icon-button" aria-label="New persona" data-testid="new-persona" onClick={() => openPersonaEditor('new')}>
            <PlusIcon />
          </button>
        </header>
        {personas.error ? <p className="inline-error">{describeError(personas.error)}</p> : null}
        <ul className="list" data-testid="persona-list">
          {personas.data?.map((persona) => (
            <PersonaRow key={persona.id} persona={persona} selected={persona.id === selectedPersonaId} />
          ))}
        </ul>
        {personas.data?.length === 0 ? <p className="muted small">Create a persona to start chatting.</p> : null}
      </section>
      {selectedPersonaId ? <ConversationSection personaId={selectedPersonaId} /> : null}
    </nav>
  );
}

function PersonaRow({ persona, selected }: { persona: Persona; selected: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const selectPersona = useUi((s) => s.selectPersona);
  const openPersonaEditor = useUi((s) => s.openPersonaEditor);
  const remove = useMutation({
    mutationFn: () => api.invoke('personas:delete', { id: persona.id }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.personas }),
  });
  return (
    <li className={selected ? 'list-row selected' : 'list-row'} data-testid="persona-row" data-persona-id={persona.id}>
      <button type="button" className="list-main" onClick={() => selectPersona(persona.id)} aria-current={selected}>
        <span className="list-title">{persona.name}</span>
        <span className="list-sub">{persona.hintMode === 'review' ? 'hints reviewed' : 'hints automatic'}</span>
      </button>
      <span className="row-actions">
        <button type="button" className="icon-button" aria-label={`Edit ${persona.name}`} onClick={() => openPersonaEditor(persona.id)}>
          <PencilIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Delete ${persona.name}`}
          onClick={() => window.confirm(`Delete persona “${persona.name}” and its conversations?`) && remove.mutate()}
        >
          <TrashIcon />
        </button>
      </span>
      {remove.error ? <p className="inline-error small">{describeError(remove.error)}</p> : null}
    </li>
  );
}

function ConversationSection({ personaId }: { personaId: string }) {
  const conversations = useConversations(personaId);
  const selectedConversationId = useUi((s) => s.selectedConversationId);
  const reconcileConversations = useUi((s) => s.reconcileConversations);

  useEffect(() => {
    if (conversations.data) reconcileConversations(conversations.data.map((c) => c.id));
  }, [conversations.data, reconcileConversations]);

  const create = useNewConversation();
  const [outcome, setOutcome] = useState<ToolsOutcome>(null);

  return (
    <section>
      <header className="sidebar-header">
        <h2>Conversations</h2>
        <ConversationTools conversationId={selectedConversationId} onOutcome={setOutcome} />
        <button
          type="button"
          className="icon-button"
          aria-label="New conversation"
          title="New conversation (Ctrl+N)"
          data-testid="new-conversation"
          onClick={() => create.mutate(personaId)}
        >
          +
        </button>
      </header>
      {create.error ? <p className="inline-error small">{describeError(create.error)}</p> : null}
      {outcome ? (
        <p
          className={outcome.kind === 'error' ? 'inline-error small tools-outcome' : 'small tools-outcome'}
          role={outcome.kind === 'error' ? 'alert' : 'status'}
          data-testid={outcome.kind === 'error' ? 'tools-error' : 'tools-notice'}
        >
          <span>{outcome.text}</span>
          <button type="button" className="link-button" aria-label="Dismiss" onClick={() => setOutcome(null)}>
            ×
          </button>
        </p>
      ) : null}
      <ul className="list" data-testid="conversation-list">
        {conversations.data?.map((conversation) => (
          <ConversationRow key={conversation.id} conversation={conversation} selected={conversation.id === selectedConversationId} />
        ))}
      </ul>
      {conversations.data?.length === 0 ? <p className="muted small">No conversations yet.</p> : null}
    </section>
  );
}

function ConversationRow({ conversation, selected }: { conversation: Conversation; selected: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const selectConversation = useUi((s) => s.selectConversation);
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(conversation.title);
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: queryKeys.conversations(conversation.personaId) });
  const rename = useMutation({
    mutationFn: (next: string) => api.invoke('conversations:rename', { id: conversation.id, title: next }),
    onSuccess: () => {
      setRenaming(false);
      invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: () => api.invoke('conversations:delete', { id: conversation.id }),
    onSuccess: () => {
      if (selected) selectConversation(null);
      invalidate();
    },
  });
  const label = conversation.title || 'New conversation';
  return (
    <li className={selected ? 'list-row selected' : 'list-row'} data-testid="conversation-row" data-conversation-id={conversation.id}>
      {renaming ? (
        <form
          className="rename-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (title.trim()) rename.mutate(title.trim());
          }}
        >
          <input
            autoFocus
            value={title}
            aria-label="Conversation title"
            onChange={(e) => setTitle(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setRenaming(false)}
            onBlur={() => setRenaming(false)}
          />
        </form>
      ) : (
        <button type="button" className="list-main" onClick={() => selectConversation(conversation.id)} aria-current={selected}>
          <span className="list-title">{label}</span>
          <span className="list-sub">{new Date(conversation.updatedAt).toLocaleString()}</span>
        </button>
      )}
      <span className="row-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Rename ${label}`}
          onClick={() => {
            setTitle(conversation.title);
            setRenaming(true);
          }}
        >
          <PencilIcon />
        </button>
        <button type="button" className="icon-button" aria-label={`Delete ${label}`} onClick={() => window.confirm(`Delete “${label}”?`) && remove.mutate()}>
          <TrashIcon />
        </button>
      </span>
      {rename.error || remove.error ? <p className="inline-error small">{describeError(rename.error ?? remove.error)}</p> : null}
    </li>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import type { Conversation } from '../../shared/domain';
import { hasModelServer } from '../data/model-server';
import { useHints, usePersonas, useSettings } from '../data/queries';
import { queryKeys } from '../data/query-keys';
import { useLiveUpdates } from '../data/use-live-updates';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { useUi } from '../state/ui-store-context';
import type { MainView } from '../state/ui-store';
import { BoxStatusIndicator } from './BoxStatusIndicator';
import { GearIcon } from './icons';
import { ChatView } from './ChatView';
import { ConnectionBanner } from './ConnectionBanner';
import { HintsReview } from './HintsReview';
import { PersonaEditor } from './PersonaEditor';
import { SettingsPanel } from './SettingsPanel';
import { Sidebar } from './Sidebar';
import { Welcome } from './Welcome';
import { ThemeToggle } from './ThemeToggle';

// The timeline pulls in the charting library; load it when first opened so chat starts fast.
const TimelineView = lazy(() => import('./TimelineView').then((m) => ({ default: m.TimelineView })));

export function App() {
  useLiveUpdates();
  const settingsOpen = useUi((s) => s.settingsOpen);
  const setSettingsOpen = useUi((s) => s.setSettingsOpen);
  const personaEditor = useUi((s) => s.personaEditor);
  const openPersonaEditor = useUi((s) => s.openPersonaEditor);
  const selectPersona = useUi((s) => s.selectPersona);
  const personas = usePersonas();
  const editing = personaEditor && personaEditor !== 'new' ? (personas.data?.find((p) => p.id === personaEditor) ?? null) : null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === ',') {
        event.preventDefault();
        setSettingsOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setSettingsOpen]);

  return (
    <div className="app">
      <a className="skip-link" href="#main-content">
        Skip to main content
      </a>
      <header className="topbar">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden>
            ◐
          </span>
          Apprentice
        </h1>
        <BoxStatusIndicator onOpenSettings={() => setSettingsOpen(true)} />
        <ThemeToggle />
        <button type="button" className="settings-button" onClick={() => setSettingsOpen(true)} data-testid="open-settings" title="Settings (Ctrl+,)">
          <GearIcon /> Settings
        </button>
      </header>
      <ConnectionBanner />
      <div className="body">
        <Sidebar />
        <main className="main" id="main-content" tabIndex={-1}>
          <MainArea />
        </main>
      </div>
      {settingsOpen ? <SettingsPanel onClose={() => setSettingsOpen(false)} /> : null}
      {personaEditor === 'new' || editing ? (
        <PersonaEditor
          key={personaEditor}
          persona={editing}
          onClose={() => openPersonaEditor(null)}
          onSaved={(persona) => {
            openPersonaEditor(null);
            selectPersona(persona.id);
          }}
        />
      ) : null}
    </div>
  );
}

function MainArea() {
  const personaId = useUi((s) => s.selectedPersonaId);
  const conversationId = useUi((s) => s.selectedConversationId);
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const openPersonaEditor = useUi((s) => s.openPersonaEditor);
  const personas = usePersonas();
  const persona = personas.data?.find((p) => p.id === personaId) ?? null;
  const pending = useHints(personaId, 'pending');
  const settings = useSettings();
  const welcomeDismissed = useUi((s) => s.welcomeDismissed);

  // Nothing can answer yet: the welcome comes first, unless the user skipped it or opened a conversation.
  if (settings.data && !hasModelServer(settings.data) && !welcomeDismissed && !conversationId) return <Welcome />;
  if (!persona) {
    return (
      <div className="welcome">
        <h1>An assistant that learns from how you talk to it</h1>
        <p className="muted">
          Create a persona, chat, and correct it the way you would correct a person. Your corrections, thumbs and marks become
          training signals for your own GPU box.
        </p>
        <button type="button" className="primary" onClick={() => openPersonaEditor('new')}>
          Create a persona
        </button>
      </div>
    );
  }
  const tabs: Array<[MainView, string]> = [
    ['chat', 'Chat'],
    ['timeline', 'Learning'],
    ['hints', pending.data && pending.data.length > 0 ? `Hints (${pending.data.length})` : 'Hints'],
  ];
  return (
    <>
      <div className="tabs" role="tablist" aria-label={persona.name}>
        {tabs.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={view === id} className={view === id ? 'tab active' : 'tab'} data-testid={`tab-${id}`} onClick={() => setView(id)}>
            {label}
          </button>
        ))}
      </div>
      {view === 'chat' ? conversationId ? <ChatView key={conversationId} conversationId={conversationId} /> : <NoConversation personaId={persona.id} /> : null}
      {view === 'timeline' ? (
        <Suspense fallback={<p className="muted center">Loading…</p>}>
          <TimelineView persona={persona} />
        </Suspense>
      ) : null}
      {view === 'hints' ? <HintsReview persona={persona} /> : null}
    </>
  );
}

function NoConversation({ personaId }: { personaId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const selectConversation = useUi((s) => s.selectConversation);
  const create = useMutation({
    mutationFn: () => api.invoke('conversations:create', { personaId }),
    onSuccess: (conversation) => {
      queryClient.setQueryData<Conversation[]>(queryKeys.conversations(personaId), (list) => [conversation, ...(list ?? [])]);
      selectConversation(conversation.id);
    },
  });
  return (
    <div className="welcome">
      <p className="muted">Pick a conversation on the left, or start a new one.</p>
      <button type="button" className="primary" onClick={() => create.mutate()} data-testid="start-conversation">
        New conversation
      </button>
      {create.error ? <p className="inline-error">{describeError(create.error)}</p> : null}
    </div>
  );
}

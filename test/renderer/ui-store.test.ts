import { describe, expect, it } from 'vitest';
import { createUiStore } from '../../renderer/state/ui-store';

describe('UI store', () => {
  it('selecting another persona clears the conversation; the same persona keeps it', () => {
    const store = createUiStore();
    store.getState().selectPersona('p1');
    store.getState().selectConversation('c1');
    store.getState().selectPersona('p1');
    expect(store.getState().selectedConversationId).toBe('c1');
    store.getState().selectPersona('p2');
    expect(store.getState()).toMatchObject({ selectedPersonaId: 'p2', selectedConversationId: null });
  });

  it('opening a conversation shows the chat view', () => {
    const store = createUiStore();
    store.getState().setView('timeline');
    store.getState().selectConversation('c1');
    expect(store.getState().view).toBe('chat');
    store.getState().setView('hints');
    store.getState().selectConversation(null);
    expect(store.getState().view).toBe('hints');
  });

  it('keeps drafts per conversation and clears one without touching others', () => {
    const store = createUiStore();
    store.getState().setDraft('c1', 'half a thought');
    store.getState().setDraft('c2', 'other');
    store.getState().clearDraft('c1');
    expect(store.getState().drafts).toEqual({ c2: 'other' });
  });

  it('drops selections that were deleted', () => {
    const store = createUiStore();
    store.getState().selectPersona('p1');
    store.getState().selectConversation('c1');
    store.getState().reconcileConversations(['c2']);
    expect(store.getState().selectedConversationId).toBeNull();
    store.getState().selectConversation('c2');
    store.getState().reconcilePersonas(['p1']);
    expect(store.getState().selectedConversationId).toBe('c2');
    store.getState().reconcilePersonas(['p3']);
    expect(store.getState()).toMatchObject({ selectedPersonaId: null, selectedConversationId: null });
  });

  it('tracks settings and the persona editor', () => {
    const store = createUiStore();
    store.getState().setSettingsOpen(true);
    store.getState().openPersonaEditor('new');
    expect(store.getState()).toMatchObject({ settingsOpen: true, personaEditor: 'new' });
  });
});

describe('UI store: remembered selection', () => {
  it('brings back the selected persona and conversation from the storage it was given, and nothing else', () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => void saved.set(key, value),
      removeItem: (key: string) => void saved.delete(key),
    };
    const first = createUiStore({ storage });
    first.getState().selectPersona('p1');
    first.getState().selectConversation('c1');
    first.getState().setDraft('c1', 'unsent');
    first.getState().setView('timeline');

    const reloaded = createUiStore({ storage });
    expect(reloaded.getState()).toMatchObject({ selectedPersonaId: 'p1', selectedConversationId: 'c1', view: 'chat', drafts: {} });
    // A remembered conversation that was deleted meanwhile is dropped once the list arrives.
    reloaded.getState().reconcileConversations(['c2']);
    expect(reloaded.getState().selectedConversationId).toBeNull();
    expect(createUiStore({ storage }).getState().selectedConversationId).toBeNull();
  });
});

import { createStore } from 'zustand/vanilla';

/**
 * UI state that is not data from the core: what is selected, which view and panels are open,
 * and unsent composer drafts per conversation (kept when switching conversations).
 */

export type MainView = 'chat' | 'timeline' | 'hints';

export interface UiState {
  selectedPersonaId: string | null;
  selectedConversationId: string | null;
  view: MainView;
  settingsOpen: boolean;
  /** Persona editor: null closed, 'new' for creation, or the id being edited. */
  personaEditor: 'new' | string | null;
  drafts: Record<string, string>;
  /** The user chose to skip the first-run welcome for this session (it returns while nothing is connected). */
  welcomeDismissed: boolean;
  dismissWelcome(): void;
  selectPersona(personaId: string | null): void;
  selectConversation(conversationId: string | null): void;
  setView(view: MainView): void;
  setSettingsOpen(open: boolean): void;
  openPersonaEditor(target: 'new' | string | null): void;
  setDraft(conversationId: string, text: string): void;
  clearDraft(conversationId: string): void;
  /** Drop selections that no longer exist (after a delete or a refetch). */
  reconcilePersonas(personaIds: string[]): void;
  reconcileConversations(conversationIds: string[]): void;
}

export function createUiStore() {
  return createStore<UiState>()((set, get) => ({
    selectedPersonaId: null,
    selectedConversationId: null,
    view: 'chat',
    settingsOpen: false,
    personaEditor: null,
    drafts: {},
    welcomeDismissed: false,
    dismissWelcome() {
      set({ welcomeDismissed: true });
    },
    selectPersona(personaId) {
      if (personaId === get().selectedPersonaId) return;
      set({ selectedPersonaId: personaId, selectedConversationId: null });
    },
    selectConversation(conversationId) {
      set({ selectedConversationId: conversationId, view: conversationId ? 'chat' : get().view });
    },
    setView(view) {
      set({ view });
    },
    setSettingsOpen(open) {
      set({ settingsOpen: open });
    },
    openPersonaEditor(target) {
      set({ personaEditor: target });
    },
    setDraft(conversationId, text) {
      set({ drafts: { ...get().drafts, [conversationId]: text } });
    },
    clearDraft(conversationId) {
      const { [conversationId]: _dropped, ...drafts } = get().drafts;
      set({ drafts });
    },
    reconcilePersonas(personaIds) {
      const { selectedPersonaId } = get();
      if (selectedPersonaId && !personaIds.includes(selectedPersonaId)) set({ selectedPersonaId: null, selectedConversationId: null });
    },
    reconcileConversations(conversationIds) {
      const { selectedConversationId } = get();
      if (selectedConversationId && !conversationIds.includes(selectedConversationId)) set({ selectedConversationId: null });
    },
  }));
}

export type UiStore = ReturnType<typeof createUiStore>;

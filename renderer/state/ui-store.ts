import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';

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
  /** The search across conversations (Ctrl/Cmd+K). */
  searchOpen: boolean;
  setSearchOpen(open: boolean): void;
  /**
   * A message to bring into view and highlight once its conversation shows it (a search result, a
   * timeline row's link); `nonce` makes the same message reveal again.
   */
  reveal: { conversationId: string; messageId: string; nonce: number } | null;
  /** Opens the conversation (with its persona) and reveals the message. */
  revealMessage(target: { personaId: string; conversationId: string; messageId: string }): void;
  /** A signal to bring into view on the Learning tab (a badge's link). */
  revealSignal: { signalId: string; nonce: number } | null;
  showSignalInLearning(signalId: string): void;
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

/** What survives a reload (with the storage the window gives): the selected persona and conversation. */
const REMEMBERED_KEY = 'apprentice.selection';
type Remembered = Pick<UiState, 'selectedPersonaId' | 'selectedConversationId'>;

/**
 * The UI store. With `storage` (the window's localStorage) the selection is remembered across
 * reloads; a remembered id that no longer exists is dropped by the reconcile calls.
 */
export function createUiStore(options: { storage?: StateStorage } = {}): StoreApi<UiState> {
  if (!options.storage) return createStore<UiState>()(uiState);
  const storage = options.storage;
  return createStore<UiState>()(
    persist(uiState, {
      name: REMEMBERED_KEY,
      version: 1,
      storage: createJSONStorage<Remembered>(() => storage),
      partialize: (state): Remembered => ({ selectedPersonaId: state.selectedPersonaId, selectedConversationId: state.selectedConversationId }),
    }),
  );
}

const uiState: StateCreator<UiState> = (set, get) => ({
    selectedPersonaId: null,
    selectedConversationId: null,
    view: 'chat',
    settingsOpen: false,
    personaEditor: null,
    drafts: {},
    searchOpen: false,
    setSearchOpen(open) {
      set({ searchOpen: open });
    },
    reveal: null,
    revealMessage({ personaId, conversationId, messageId }) {
      set({
        selectedPersonaId: personaId,
        selectedConversationId: conversationId,
        view: 'chat',
        searchOpen: false,
        reveal: { conversationId, messageId, nonce: (get().reveal?.nonce ?? 0) + 1 },
      });
    },
    revealSignal: null,
    showSignalInLearning(signalId) {
      set({ view: 'timeline', revealSignal: { signalId, nonce: (get().revealSignal?.nonce ?? 0) + 1 } });
    },
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
});

export type UiStore = StoreApi<UiState>;

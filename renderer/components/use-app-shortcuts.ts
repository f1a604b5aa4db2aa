import { useEffect } from 'react';
import { useNewConversation } from '../data/use-new-conversation';
import { useUi } from '../state/ui-store-context';

/**
 * Keyboard shortcuts of the whole window: Ctrl/Cmd+, settings, Ctrl/Cmd+N a new conversation with the
 * selected persona, Ctrl/Cmd+K search across conversations.
 */
export function useAppShortcuts(): void {
  const setSettingsOpen = useUi((s) => s.setSettingsOpen);
  const setSearchOpen = useUi((s) => s.setSearchOpen);
  const personaId = useUi((s) => s.selectedPersonaId);
  const create = useNewConversation();
  const { mutate, isPending } = create;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const key = event.key.toLowerCase();
      if (key === ',') {
        event.preventDefault();
        setSettingsOpen(true);
      } else if (key === 'n') {
        event.preventDefault();
        if (personaId && !isPending) mutate(personaId);
      } else if (key === 'k') {
        event.preventDefault();
        setSearchOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setSettingsOpen, setSearchOpen, personaId, mutate, isPending]);
}

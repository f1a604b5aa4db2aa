/**
 * The colour theme the user picked: follow the OS ('system'), or always light or dark. Kept in
 * localStorage (a view setting of this window, nothing the core needs) and applied as data-theme
 * on <html>, which app.css turns into color-scheme.
 */
export type ThemePreference = 'system' | 'light' | 'dark';

export const THEME_STORAGE_KEY = 'apprentice.theme';

export function readThemePreference(storage: Pick<Storage, 'getItem'> | null = safeStorage()): ThemePreference {
  const stored = storage?.getItem(THEME_STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

export function saveThemePreference(theme: ThemePreference, storage: Pick<Storage, 'setItem' | 'removeItem'> | null = safeStorage()): void {
  if (!storage) return;
  if (theme === 'system') storage.removeItem(THEME_STORAGE_KEY);
  else storage.setItem(THEME_STORAGE_KEY, theme);
}

export function applyThemePreference(theme: ThemePreference, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

/** localStorage can be missing or throw (storage disabled); the theme then lasts for the session. */
function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

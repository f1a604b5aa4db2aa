import { isUsableBrowserToken, tokenFromFragment } from '../../shared/ipc/browser-token';

/** The parts of window the token store touches (tests pass plain objects). */
export interface BrowserTokenEnvironment {
  location: { href: string; hash: string };
  /** sessionStorage: survives a reload of this tab, not a new tab, never sent anywhere. */
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void } | null;
  /** history.replaceState without a new entry. */
  replaceUrl(url: string): void;
}

const STORAGE_KEY = 'apprentice.browserToken';

/**
 * Takes browser mode's token out of the page fragment (`#token=T`, where `npm run web` puts it),
 * keeps it in sessionStorage so a reload still connects, and removes it from the address bar so it
 * is not copied, bookmarked or shown. Without a fragment token, the stored one is used. null: none.
 */
export function takeBrowserToken(env: BrowserTokenEnvironment): string | null {
  const fromFragment = tokenFromFragment(env.location.hash);
  if (fromFragment) {
    try {
      env.storage?.setItem(STORAGE_KEY, fromFragment);
    } catch {
      // Storage refused (quota, policy): the token still works for this page load.
    }
    const url = new URL(env.location.href);
    url.hash = '';
    env.replaceUrl(url.toString().replace(/#$/, ''));
    return fromFragment;
  }
  let stored: string | null = null;
  try {
    stored = env.storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    stored = null;
  }
  return stored && isUsableBrowserToken(stored) ? stored : null;
}

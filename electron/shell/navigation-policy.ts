import { isTrustedSenderUrl } from '../ipc/trusted-sender';

export type NavigationDecision = 'allow' | 'open-outside' | 'deny';

/**
 * What happens when the window would navigate to `url` (a link, a redirect, a frame, window.open):
 * only our own page may load inside it; http(s) links open in the user's browser; everything else
 * (file:, data:, javascript:, custom schemes) is dropped.
 */
export function navigationDecision(url: string, appUrl: string): NavigationDecision {
  if (isTrustedSenderUrl(url, appUrl)) return 'allow';
  return isExternalWebUrl(url) ? 'open-outside' : 'deny';
}

/** A new window is never opened inside the app; web links go to the user's browser. */
export function windowOpenDecision(url: string): Exclude<NavigationDecision, 'allow'> {
  return isExternalWebUrl(url) ? 'open-outside' : 'deny';
}

function isExternalWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

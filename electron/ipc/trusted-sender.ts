/**
 * Whether an IPC call comes from our own renderer page. In a packaged app that is a page of
 * app://apprentice (the app's own scheme); under `electron-vite dev` it is the dev server's origin.
 * Anything else (a navigated-away frame, an iframe, a file, a data: page) is refused.
 */
export function isTrustedSenderUrl(frameUrl: string | undefined | null, rendererUrl: string): boolean {
  if (!frameUrl) return false;
  let frame: URL;
  let ours: URL;
  try {
    frame = new URL(frameUrl);
    ours = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (ours.protocol === 'file:') return frame.protocol === 'file:' && frame.pathname === ours.pathname;
  if (ours.protocol === 'http:' || ours.protocol === 'https:') return frame.origin === ours.origin;
  // A custom scheme has an opaque origin ('null') in WHATWG URL terms, as data: and about: pages
  // do: compare scheme and host instead, and require a host.
  return ours.host !== '' && frame.protocol === ours.protocol && frame.host === ours.host;
}

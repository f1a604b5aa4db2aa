/**
 * Whether an IPC call comes from our own renderer page. In a packaged app that is the
 * out/renderer/index.html file; under `electron-vite dev` it is the dev server's origin. Anything
 * else (a navigated-away frame, an iframe, a file next to ours) is refused.
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
  return frame.origin === ours.origin;
}

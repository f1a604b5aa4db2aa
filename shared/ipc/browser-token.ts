/**
 * Browser mode's per-run token. The page gets it in the URL *fragment* (`/#token=T`), which browsers
 * never send in requests, Referer headers or server logs; the page keeps it in sessionStorage and
 * sends it only when it opens the IPC ws, as a WebSocket subprotocol (`Sec-WebSocket-Protocol`), so
 * no URL ever carries it. There is no cookie: cookies are not separated by port, so every other
 * server on 127.0.0.1 would receive one. The built UI itself is not secret and is served without it.
 */

/** The subprotocol the server selects; a client that offers the token offers this one too. */
export const BROWSER_IPC_PROTOCOL = 'apprentice-ipc.v1';
const TOKEN_PROTOCOL_PREFIX = 'apprentice-token.';
/** The fragment key in the printed page address. */
export const BROWSER_TOKEN_FRAGMENT_KEY = 'token';

/** A subprotocol must be an HTTP token; base64url (what the server generates) always is. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,512}$/;

export function isUsableBrowserToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** What the page passes as `new WebSocket(url, protocols)`. */
export function browserIpcProtocols(token: string): string[] {
  return [BROWSER_IPC_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** The token a ws handshake offered (its Sec-WebSocket-Protocol list), or null. */
export function tokenFromProtocols(offered: Iterable<string>): string | null {
  for (const protocol of offered) {
    if (protocol.startsWith(TOKEN_PROTOCOL_PREFIX)) return protocol.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
}

/** The address `npm run web` prints: the token in the fragment only. */
export function browserPageUrl(origin: string, token: string): string {
  return `${origin}/#${BROWSER_TOKEN_FRAGMENT_KEY}=${token}`;
}

/** The token in a page fragment ('#token=T', with or without '#'), or null. */
export function tokenFromFragment(hash: string): string | null {
  // Tokens are base64url, so no percent-decoding is needed (and shared/ has no URLSearchParams).
  const prefix = `${BROWSER_TOKEN_FRAGMENT_KEY}=`;
  const pair = (hash.startsWith('#') ? hash.slice(1) : hash).split('&').find((part) => part.startsWith(prefix));
  const token = pair?.slice(prefix.length) ?? null;
  return token && isUsableBrowserToken(token) ? token : null;
}

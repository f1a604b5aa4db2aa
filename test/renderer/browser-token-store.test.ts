import { describe, expect, it } from 'vitest';
import { browserIpcProtocols, browserPageUrl, tokenFromFragment, tokenFromProtocols } from '../../shared/ipc/browser-token';
import { takeBrowserToken, type BrowserTokenEnvironment } from '../../renderer/ipc/browser-token-store';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWx_-12';

function environment(href: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  const env: BrowserTokenEnvironment = {
    location: { href, hash: new URL(href).hash },
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    replaceUrl: (url) => void replaced.push(url),
  };
  return { env, storage, replaced };
}

describe('browser-mode token in the page', () => {
  it('takes it from the fragment, keeps it for reloads and clears it from the address bar', () => {
    const { env, storage, replaced } = environment(`http://127.0.0.1:5217/?view=x${browserPageUrl('', TOKEN).slice(1)}`);
    expect(takeBrowserToken(env)).toBe(TOKEN);
    expect([...storage.values()]).toEqual([TOKEN]);
    expect(replaced).toEqual(['http://127.0.0.1:5217/?view=x']);

    // The reload: no fragment any more, the stored token is used.
    const reload = environment('http://127.0.0.1:5217/?view=x', Object.fromEntries(storage));
    expect(takeBrowserToken(reload.env)).toBe(TOKEN);
    expect(reload.replaced).toEqual([]);
  });

  it('has none without a fragment or stored token, and ignores malformed ones', () => {
    expect(takeBrowserToken(environment('http://127.0.0.1:5217/').env)).toBeNull();
    expect(takeBrowserToken(environment('http://127.0.0.1:5217/#token=short').env)).toBeNull();
    expect(takeBrowserToken(environment('http://127.0.0.1:5217/#token=has%20space%20inside%20it').env)).toBeNull();
    // A query token (the old address form) is not read: the query is sent to servers.
    expect(takeBrowserToken(environment(`http://127.0.0.1:5217/?token=${TOKEN}`).env)).toBeNull();
    const { env } = environment(`http://127.0.0.1:5217/#token=${TOKEN}`);
    env.storage = null;
    expect(takeBrowserToken(env)).toBe(TOKEN);
  });

  it('round-trips through the subprotocol list and the printed address', () => {
    expect(tokenFromProtocols(browserIpcProtocols(TOKEN))).toBe(TOKEN);
    expect(tokenFromProtocols(['apprentice-ipc.v1'])).toBeNull();
    expect(browserPageUrl('http://127.0.0.1:1', TOKEN)).toBe(`http://127.0.0.1:1/#token=${TOKEN}`);
    expect(tokenFromFragment(`#token=${TOKEN}`)).toBe(TOKEN);
  });
});

import { describe, expect, it } from 'vitest';
import { isTrustedSenderUrl } from '../../../electron/ipc/trusted-sender';

describe('isTrustedSenderUrl', () => {
  const file = 'file:///opt/Apprentice/resources/app.asar/out/renderer/index.html';
  it('accepts only our renderer file in a packaged app', () => {
    expect(isTrustedSenderUrl(file, file)).toBe(true);
    expect(isTrustedSenderUrl(`${file}#/settings`, file)).toBe(true);
    expect(isTrustedSenderUrl('file:///tmp/evil.html', file)).toBe(false);
    expect(isTrustedSenderUrl('https://example.com/', file)).toBe(false);
    expect(isTrustedSenderUrl('', file)).toBe(false);
    expect(isTrustedSenderUrl(null, file)).toBe(false);
    expect(isTrustedSenderUrl('::::', file)).toBe(false);
  });
  it('accepts the dev server origin only', () => {
    const dev = 'http://localhost:5173/';
    expect(isTrustedSenderUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedSenderUrl('http://127.0.0.1:5173/', dev)).toBe(false);
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StringCipher } from '../../../electron/settings/encrypted-token-file';
import { EndpointKeyFile } from '../../../electron/settings/endpoint-key-store';

/** A real AES-GCM cipher in the shape of Electron's safeStorage (which cannot run here). */
function aesCipher(key = randomBytes(32)): StringCipher {
  return {
    isEncryptionAvailable: () => true,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(buf) {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('EndpointKeyFile', () => {
  it('browser mode: keeps keys per endpoint in a 0600 file, across instances', () => {
    const keys = new EndpointKeyFile(dir);
    keys.set('http://127.0.0.1:8000/v1/', 'sk-vllm');
    keys.set('https://api.example.com/v1', 'sk-remote');
    const file = join(dir, 'endpoint-keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = new EndpointKeyFile(dir);
    expect(again.get('http://127.0.0.1:8000/v1')).toBe('sk-vllm');
    expect(again.get('https://api.example.com/v1')).toBe('sk-remote');
    // A key is bound to its exact endpoint: another path or port gets nothing.
    expect(again.get('http://127.0.0.1:8001/v1')).toBeNull();
    expect(again.endpoints().sort()).toEqual(['http://127.0.0.1:8000/v1', 'https://api.example.com/v1']);
    again.set('http://127.0.0.1:8000/v1', null);
    again.set('https://api.example.com/v1', null);
    expect(existsSync(file)).toBe(false);
  });

  it('Electron: encrypts the keys with the keychain cipher, never in clear', () => {
    const cipher = aesCipher();
    new EndpointKeyFile(dir, cipher).set('http://127.0.0.1:1234/v1', 'lm-studio-secret');
    const file = join(dir, 'endpoint-keys.enc');
    expect(readFileSync(file).includes(Buffer.from('lm-studio-secret'))).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new EndpointKeyFile(dir, cipher).get('http://127.0.0.1:1234/v1')).toBe('lm-studio-secret');
    // A keychain that changed (other key) reads as "no keys" instead of failing the app.
    expect(new EndpointKeyFile(dir, aesCipher()).get('http://127.0.0.1:1234/v1')).toBeNull();
  });

  it('a file it cannot read is kept aside, not overwritten, when a key is saved', () => {
    writeFileSync(join(dir, 'endpoint-keys.json'), '{ not json', { mode: 0o600 });
    const keys = new EndpointKeyFile(dir);
    expect(keys.get('http://x/v1')).toBeNull();
    keys.set('http://x/v1', 'k');
    expect(readdirSync(dir).some((name) => name.startsWith('endpoint-keys.json.unreadable-'))).toBe(true);
    expect(new EndpointKeyFile(dir).get('http://x/v1')).toBe('k');
  });
});

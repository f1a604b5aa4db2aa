import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedTokenFile, type StringCipher } from '../../../electron/settings/encrypted-token-file';

/** A real AES-GCM cipher in the shape of Electron's safeStorage (which cannot run here). */
function aesCipher(key = randomBytes(32), available = true): StringCipher {
  return {
    isEncryptionAvailable: () => available,
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
  dir = mkdtempSync(join(tmpdir(), 'apprentice-enc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('EncryptedTokenFile', () => {
  it('never writes the token in clear, reads it back, deletes it with null', async () => {
    const vault = new EncryptedTokenFile(dir, aesCipher());
    await vault.set('tok-123456');
    const file = join(dir, 'box-token.enc');
    expect(readFileSync(file).includes(Buffer.from('tok-123456'))).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await vault.get()).toBe('tok-123456');
    await vault.set(null);
    expect(existsSync(file)).toBe(false);
  });

  it('reads an undecryptable token as absent and refuses to store without a keychain', async () => {
    await new EncryptedTokenFile(dir, aesCipher()).set('old');
    expect(await new EncryptedTokenFile(dir, aesCipher()).get()).toBeNull();
    await expect(new EncryptedTokenFile(dir, aesCipher(randomBytes(32), false)).set('x')).rejects.toThrow(/keychain/);
  });
});

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenVault } from './token-vault';

/** What Electron's safeStorage offers, described structurally (only main.ts imports 'electron'). */
export interface StringCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const ENCRYPTED_TOKEN_FILE_NAME = 'box-token.enc';

/**
 * The box token encrypted with the OS keychain (Electron safeStorage) in `<dataDir>/box-token.enc`,
 * mode 0600. A token that can no longer be decrypted (keychain reset) reads as "no token" rather
 * than failing the app; the user sets it again.
 */
export class EncryptedTokenFile implements TokenVault {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly cipher: StringCipher,
  ) {
    this.file = join(dataDir, ENCRYPTED_TOKEN_FILE_NAME);
  }

  async get(): Promise<string | null> {
    if (!existsSync(this.file) || !this.cipher.isEncryptionAvailable()) return null;
    try {
      const token = this.cipher.decryptString(readFileSync(this.file));
      return token === '' ? null : token;
    } catch {
      return null;
    }
  }

  async set(token: string | null): Promise<void> {
    if (token === null) {
      rmSync(this.file, { force: true });
      return;
    }
    if (!this.cipher.isEncryptionAvailable()) {
      throw new Error('The system keychain is not available, so the token cannot be stored encrypted.');
    }
    const temp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temp, this.cipher.encryptString(token), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}

import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { StringCipher } from './encrypted-token-file';

export const ENDPOINT_KEYS_FILE_NAME = 'endpoint-keys.json';
export const ENCRYPTED_ENDPOINT_KEYS_FILE_NAME = 'endpoint-keys.enc';

const KeyFileSchema = z.object({ version: z.literal(1), keys: z.record(z.string(), z.string().min(1).max(4_096)) });

/** API keys of OpenAI-compatible endpoints (not the box), by endpoint URL. */
export interface EndpointKeys {
  get(endpoint: string): string | null;
  set(endpoint: string, key: string | null): void;
  /** The endpoints that have a key (URLs only; keys never leave the main process). */
  endpoints(): string[];
}

/**
 * Endpoint API keys kept like the box token: encrypted with the OS keychain (Electron safeStorage)
 * in `endpoint-keys.enc`, or, without a cipher (browser mode, tests), as JSON in
 * `endpoint-keys.json` readable only by the user (mode 0600). A key belongs to the exact endpoint
 * URL it was saved for, so it is never sent to another server. A file that cannot be read (keychain
 * reset, hand edit) reads as "no keys" and is copied aside before the next save replaces it.
 */
export class EndpointKeyFile implements EndpointKeys {
  readonly file: string;
  private cache: Record<string, string> | null = null;

  constructor(
    dataDir: string,
    private readonly cipher: StringCipher | null = null,
  ) {
    this.file = join(dataDir, cipher ? ENCRYPTED_ENDPOINT_KEYS_FILE_NAME : ENDPOINT_KEYS_FILE_NAME);
  }

  get(endpoint: string): string | null {
    return this.read()[endpointKey(endpoint)] ?? null;
  }

  endpoints(): string[] {
    return Object.keys(this.read());
  }

  set(endpoint: string, key: string | null): void {
    const id = endpointKey(endpoint);
    if (id === '') throw new Error('An API key needs the endpoint URL it belongs to.');
    const keys = { ...this.read() };
    if (key === null || key.trim() === '') delete keys[id];
    else keys[id] = key.trim();
    this.write(keys);
  }

  private read(): Record<string, string> {
    if (this.cache) return this.cache;
    this.cache = this.load() ?? {};
    return this.cache;
  }

  /** null: the file exists but cannot be used. */
  private load(): Record<string, string> | null {
    if (!existsSync(this.file)) return {};
    try {
      const bytes = readFileSync(this.file);
      if (this.cipher && !this.cipher.isEncryptionAvailable()) return null;
      const text = this.cipher ? this.cipher.decryptString(bytes) : bytes.toString('utf8');
      return KeyFileSchema.parse(JSON.parse(text)).keys;
    } catch {
      return null;
    }
  }

  private write(keys: Record<string, string>): void {
    if (this.cipher && !this.cipher.isEncryptionAvailable()) {
      throw new Error('The system keychain is not available, so the API key cannot be stored encrypted.');
    }
    // Keep a file that could not be read, rather than overwrite keys the user may still recover.
    if (existsSync(this.file) && this.load() === null) copyFileSync(this.file, `${this.file}.unreadable-${Date.now()}`);
    if (Object.keys(keys).length === 0) {
      rmSync(this.file, { force: true });
    } else {
      const text = JSON.stringify({ version: 1, keys });
      const temp = `${this.file}.tmp-${process.pid}`;
      writeFileSync(temp, this.cipher ? this.cipher.encryptString(text) : text, { mode: 0o600 });
      chmodSync(temp, 0o600);
      renameSync(temp, this.file);
    }
    this.cache = keys;
  }
}

/** Keys are filed under the endpoint URL without trailing slashes (as settings store it). */
function endpointKey(endpoint: string): string {
  return endpoint.trim().replace(/\/+$/, '');
}

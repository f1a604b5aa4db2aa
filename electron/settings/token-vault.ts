import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the box token lives. It stays in the main process: the renderer only learns whether one is
 * stored. Electron supplies a safeStorage-backed vault; Node and browser mode use BoxTokenFile.
 */
export interface TokenVault {
  get(): Promise<string | null>;
  set(token: string | null): Promise<void>;
}

export const BOX_TOKEN_FILE_NAME = 'box-token';

/** A plain file readable only by its owner (mode 0600) in the data dir. */
export class BoxTokenFile implements TokenVault {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, BOX_TOKEN_FILE_NAME);
  }

  async get(): Promise<string | null> {
    if (!existsSync(this.file)) return null;
    const token = readFileSync(this.file, 'utf8').trim();
    return token === '' ? null : token;
  }

  async set(token: string | null): Promise<void> {
    if (token === null) {
      rmSync(this.file, { force: true });
      return;
    }
    // Write to a private temp file and rename, so the token is never briefly world-readable.
    const temp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temp, token, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }
}

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE_NAME = 'token';
export const MIN_TOKEN_LENGTH = 16;

export interface ResolvedBoxToken {
  token: string;
  source: 'flag' | 'token-file' | 'env' | 'file' | 'generated';
  /** The token file, when the token lives in (or was written to) one. */
  file: string | null;
  /** Things the user should fix, printed at start (the token itself never appears in them). */
  warnings: string[];
}

export interface BoxTokenSources {
  dataDir: string;
  /** --token: works, but every local user sees it in the process list. */
  flagToken?: string;
  /** --token-file: a file the user made and keeps private. */
  tokenFile?: string;
  /** $APPRENTICE_BOX_TOKEN ('' counts as unset). */
  envToken?: string;
}

export class BoxTokenError extends Error {
  override name = 'BoxTokenError';
}

function checkToken(token: string, where: string): string {
  const trimmed = token.trim();
  if (trimmed.length < MIN_TOKEN_LENGTH || /\s/.test(trimmed)) {
    throw new BoxTokenError(`the box token from ${where} must be at least ${MIN_TOKEN_LENGTH} characters with no spaces`);
  }
  return trimmed;
}

/**
 * Auth is never off: the token comes from --token, else --token-file, else $APPRENTICE_BOX_TOKEN,
 * else the data dir's token file, else a fresh random one written there with mode 0600.
 */
export function resolveBoxToken(sources: BoxTokenSources): ResolvedBoxToken {
  const { dataDir, flagToken, tokenFile, envToken } = sources;
  if (flagToken !== undefined && tokenFile !== undefined) {
    throw new BoxTokenError('pass either --token or --token-file, not both');
  }
  if (flagToken !== undefined) {
    return {
      token: checkToken(flagToken, '--token'),
      source: 'flag',
      file: null,
      warnings: [
        '--token is visible to every user of this machine in the process list (ps); ' +
          'use --token-file FILE (mode 0600) or $APPRENTICE_BOX_TOKEN instead',
      ],
    };
  }
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(tokenFile, 'utf8');
    } catch (error) {
      throw new BoxTokenError(`cannot read the box token file ${tokenFile}: ${(error as Error).message}`);
    }
    const token = checkToken(text, tokenFile);
    // The user's own file: say so rather than change its mode behind their back.
    const mode = statSync(tokenFile).mode & 0o777;
    const warnings =
      process.platform !== 'win32' && mode & 0o077
        ? [`${tokenFile} is readable by other users (mode ${mode.toString(8)}); chmod 600 it`]
        : [];
    return { token, source: 'token-file', file: tokenFile, warnings };
  }
  if (envToken !== undefined && envToken !== '') {
    return { token: checkToken(envToken, '$APPRENTICE_BOX_TOKEN'), source: 'env', file: null, warnings: [] };
  }
  const file = join(dataDir, TOKEN_FILE_NAME);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600); // someone loosened it: tighten again
    return { token: checkToken(readFileSync(file, 'utf8'), file), source: 'file', file, warnings: [] };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, source: 'generated', file, warnings: [] };
}

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE_NAME = 'token';
const MIN_TOKEN_LENGTH = 16;

export interface ResolvedBoxToken {
  token: string;
  source: 'flag' | 'env' | 'file' | 'generated';
  /** The token file, when the token lives in (or was written to) one. */
  file: string | null;
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
 * Auth is never off: the token comes from --token, else $APPRENTICE_BOX_TOKEN, else the data
 * dir's token file, else a fresh random one written there with mode 0600.
 */
export function resolveBoxToken(dataDir: string, flagToken: string | undefined, envToken: string | undefined): ResolvedBoxToken {
  if (flagToken !== undefined) return { token: checkToken(flagToken, '--token'), source: 'flag', file: null };
  if (envToken !== undefined && envToken !== '') return { token: checkToken(envToken, '$APPRENTICE_BOX_TOKEN'), source: 'env', file: null };
  const file = join(dataDir, TOKEN_FILE_NAME);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600); // someone loosened it: tighten again
    return { token: checkToken(readFileSync(file, 'utf8'), file), source: 'file', file };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, source: 'generated', file };
}

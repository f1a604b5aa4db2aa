import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * The box's samples, turns, progress and token are for this user only: folders 0700, files 0600.
 * Files an older version (or a copy) left readable to others are tightened; modes only get stricter.
 * (The app keeps its own copy in electron/store: rooms do not share Node code.)
 * On Windows chmod only toggles read-only, and the user's profile folder already keeps others out.
 */

const OWNER_ONLY_DIR = 0o700;
const OWNER_ONLY_FILE = 0o600;

/** Creates `dir` (and parents) if needed and makes it 0700. */
export function ensureOwnerOnlyDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR });
  tighten(dir, OWNER_ONLY_DIR);
}

/**
 * Creates `file` empty with mode 0600 if it does not exist, else tightens it. SQLite gives its -wal
 * and -shm files the mode of the database file, so creating the database this way covers them.
 */
export function ensureOwnerOnlyFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', OWNER_ONLY_FILE));
  tighten(file, OWNER_ONLY_FILE);
}

/** Tightens `file` to 0600 when it exists; absent files are left absent. */
export function tightenOwnerOnlyFile(file: string): void {
  if (existsSync(file)) tighten(file, OWNER_ONLY_FILE);
}

function tighten(path: string, mode: number): void {
  if (process.platform === 'win32') return;
  // Only bits beyond the owner's are removed: a 0400 file stays 0400.
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) !== 0) chmodSync(path, current & mode);
}

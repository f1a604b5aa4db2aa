import Conf, { type Options as ConfOptions } from 'conf';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SettingsPatch } from '../../shared/domain';
import { tightenOwnerOnlyFile } from '../store/owner-only-files';
import { defaultSettings, StoredSettingsSchema, type StoredSettings } from './default-settings';

export const SETTINGS_FILE_NAME = 'settings.json';

/** Why the settings file on disk could not be used, and where the original was kept. */
export interface SettingsRecovery {
  problem: string;
  backupFile: string;
}

/**
 * Opens the conf-format store. Electron passes electron-store (a Conf subclass with the same file
 * format); plain Node (browser mode, tests) uses conf itself.
 */
export type OpenSettingsConf = (options: ConfOptions<StoredSettings>) => Conf<StoredSettings>;

const openWithConf: OpenSettingsConf = (options) => new Conf<StoredSettings>(options);

export class InvalidSettingsError extends Error {
  override name = 'InvalidSettingsError';
}

/**
 * The app's settings in `<dataDir>/settings.json`, read and written through conf (the file format
 * electron-store shares). A file that is not JSON or fails the schema is copied aside to
 * `settings.json.invalid-<time>` and replaced by defaults, so a bad edit never blocks the app and
 * nothing the user wrote is lost.
 */
export class SettingsStore {
  readonly file: string;
  readonly recovery: SettingsRecovery | null;
  private readonly conf: Conf<StoredSettings>;
  /** The last read, with the file's mtime and size then: every turn reads the settings a few times. */
  private cached: { mtimeMs: number; size: number; value: StoredSettings } | null = null;

  constructor(dataDir: string, now = Date.now(), openConf: OpenSettingsConf = openWithConf) {
    this.file = join(dataDir, SETTINGS_FILE_NAME);
    this.recovery = recoverInvalidFile(this.file, now);
    this.conf = openConf({
      cwd: dataDir,
      configName: 'settings',
      // Dots appear in URLs; keys are only ever whole sections here.
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
      configFileMode: 0o600,
    });
    if (!existsSync(this.file)) this.conf.store = defaultSettings();
    // Fill sections added by a newer app version, keeping what the user set.
    this.conf.store = this.get();
  }

  /** The stored settings; read again only when the file changed (an edit by hand is still seen). */
  get(): StoredSettings {
    const stat = statSync(this.file, { throwIfNoEntry: false });
    const cached = this.cached;
    if (stat && cached && stat.mtimeMs === cached.mtimeMs && stat.size === cached.size) return cached.value;
    const value = deepFreeze(readStored(this.conf.store));
    this.cached = stat ? { mtimeMs: stat.mtimeMs, size: stat.size, value } : null;
    return value;
  }

  /** Applies a validated patch; throws InvalidSettingsError for values that cannot work. */
  update(patch: SettingsPatch): StoredSettings {
    const current = this.get();
    const next: StoredSettings = {
      box: { ...current.box, ...stripUndefined(patch.box ?? {}) },
      policy: { ...current.policy, ...stripUndefined(patch.policy ?? {}) },
      judge: { ...current.judge, ...stripUndefined(patch.judge ?? {}) },
    };
    next.box.url = normalizeBaseUrl(next.box.url, 'box.url');
    next.policy.endpoint = normalizeBaseUrl(next.policy.endpoint, 'policy.endpoint');
    next.judge.endpoint = normalizeBaseUrl(next.judge.endpoint, 'judge.endpoint');
    const parsed = StoredSettingsSchema.safeParse(next);
    if (!parsed.success) throw new InvalidSettingsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    this.conf.store = parsed.data;
    return parsed.data;
  }
}

/** Callers share the cached value: freezing it makes a stray write throw instead of leaking into the next read. */
function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (child && typeof child === 'object') deepFreeze(child as object);
  return Object.freeze(value);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Merges what is stored over the defaults, so files from older versions gain new sections. */
function readStored(raw: unknown): StoredSettings {
  const defaults = defaultSettings();
  const stored = (raw ?? {}) as Partial<Record<keyof StoredSettings, object>>;
  return StoredSettingsSchema.parse({
    box: { ...defaults.box, ...stored.box },
    policy: { ...defaults.policy, ...stored.policy },
    judge: { ...defaults.judge, ...stored.judge },
  });
}

function recoverInvalidFile(file: string, now: number): SettingsRecovery | null {
  if (!existsSync(file)) return null;
  let problem: string;
  try {
    readStored(JSON.parse(readFileSync(file, 'utf8')));
    return null;
  } catch (error) {
    problem = error instanceof SyntaxError ? `not valid JSON (${error.message})` : `invalid values (${describe(error)})`;
  }
  const backupFile = `${file}.invalid-${now}`;
  copyFileSync(file, backupFile);
  tightenOwnerOnlyFile(backupFile);
  // Only after the copy exists: the original goes, and defaults are written in its place.
  rmSync(file);
  return { problem, backupFile };
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'issues' in error && Array.isArray(error.issues)) {
    return (error.issues as { path: PropertyKey[]; message: string }[])
      .map((i) => `${i.path.map(String).join('.')}: ${i.message}`)
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** '' stays ''; otherwise an http(s) URL without a trailing slash. */
export function normalizeBaseUrl(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') return '';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InvalidSettingsError(`${field}: "${trimmed}" is not a URL (expected e.g. http://gpu-box:8787)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidSettingsError(`${field}: only http:// and https:// URLs are supported`);
  }
  if (url.search || url.hash) throw new InvalidSettingsError(`${field}: must not contain a query or fragment`);
  return trimmed.replace(/\/+$/, '');
}

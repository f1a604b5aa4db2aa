import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../../shared/domain';
import { defaultSettings } from '../../../electron/settings/default-settings';
import { InvalidSettingsError, SettingsStore } from '../../../electron/settings/settings-store';
import { BoxTokenFile } from '../../../electron/settings/token-vault';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'apprentice-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('starts from the documented defaults and writes them to settings.json', () => {
    const store = new SettingsStore(dir);
    expect(store.get()).toEqual({
      box: { url: '' },
      policy: { endpoint: '', model: '', temperature: 0.7, maxTokens: 2048 },
      judge: { mode: 'always', endpoint: '', model: '', votes: 3, timeoutMs: 30000 },
    });
    expect(SettingsSchema.parse({ ...store.get(), box: { ...store.get().box, hasToken: false } })).toBeTruthy();
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual(defaultSettings());
    expect(store.recovery).toBeNull();
  });

  it('opens its file through the injected opener (Electron passes electron-store, a Conf subclass)', () => {
    const opened: string[] = [];
    class CountingStore<T extends Record<string, unknown>> extends Conf<T> {}
    const store = new SettingsStore(dir, Date.now(), (options) => {
      opened.push(String(options.configName));
      return new CountingStore(options);
    });
    store.update({ box: { url: 'http://box.local:8787' } });
    expect(opened).toEqual(['settings']);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).box.url).toBe('http://box.local:8787');
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('applies patches, normalises URLs and persists across instances', () => {
    const store = new SettingsStore(dir);
    store.update({ box: { url: 'http://gpu-box:8787/' }, judge: { mode: 'uncertain' } });
    store.update({ policy: { temperature: 0.2 } });
    const again = new SettingsStore(dir);
    expect(again.get().box.url).toBe('http://gpu-box:8787');
    expect(again.get().judge).toMatchObject({ mode: 'uncertain', votes: 3 });
    expect(again.get().policy).toMatchObject({ temperature: 0.2, model: '' });
  });

  it('refuses values that cannot work and keeps the old ones', () => {
    const store = new SettingsStore(dir);
    expect(() => store.update({ box: { url: 'gpu-box:8787' } })).toThrow(InvalidSettingsError);
    expect(() => store.update({ policy: { endpoint: 'ftp://x' } })).toThrow(/http/);
    expect(() => store.update({ judge: { votes: 99 } })).toThrow(InvalidSettingsError);
    expect(store.get()).toEqual(defaultSettings());
  });

  it('keeps a copy of a corrupt file, reports it and starts from defaults', () => {
    writeFileSync(join(dir, 'settings.json'), '{"box": {"url": "http://a:1"', 'utf8');
    const store = new SettingsStore(dir, 1234);
    expect(store.recovery?.problem).toMatch(/not valid JSON/);
    expect(store.recovery?.backupFile).toBe(join(dir, 'settings.json.invalid-1234'));
    expect(readFileSync(join(dir, 'settings.json.invalid-1234'), 'utf8')).toBe('{"box": {"url": "http://a:1"');
    expect(store.get()).toEqual(defaultSettings());
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual(defaultSettings());
  });

  it('treats schema violations like corruption, and fills missing sections of an old file', () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ policy: { temperature: 'hot' } }));
    const broken = new SettingsStore(dir, 1);
    expect(broken.recovery?.problem).toMatch(/policy.temperature/);
    expect(existsSync(join(dir, 'settings.json.invalid-1'))).toBe(true);

    const other = mkdtempSync(join(tmpdir(), 'apprentice-settings-'));
    writeFileSync(join(other, 'settings.json'), JSON.stringify({ box: { url: 'http://box:1' } }));
    const partial = new SettingsStore(other);
    expect(partial.recovery).toBeNull();
    expect(partial.get()).toEqual({ ...defaultSettings(), box: { url: 'http://box:1' } });
    expect(readdirSync(other)).toEqual(['settings.json']);
    rmSync(other, { recursive: true, force: true });
  });
});

describe('BoxTokenFile', () => {
  it('stores the token in a 0600 file and deletes it with null', async () => {
    const vault = new BoxTokenFile(dir);
    expect(await vault.get()).toBeNull();
    await vault.set('s3cret-token');
    expect(await vault.get()).toBe('s3cret-token');
    expect(statSync(join(dir, 'box-token')).mode & 0o777).toBe(0o600);
    await vault.set('rotated');
    expect(await new BoxTokenFile(dir).get()).toBe('rotated');
    expect(statSync(join(dir, 'box-token')).mode & 0o777).toBe(0o600);
    await vault.set(null);
    expect(existsSync(join(dir, 'box-token'))).toBe(false);
    expect(await vault.get()).toBeNull();
  });
});

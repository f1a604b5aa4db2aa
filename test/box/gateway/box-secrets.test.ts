import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BOX_DATABASE_FILE } from '../../../box/gateway/gateway-config';
import { BOX_USAGE } from '../../../box/gateway/parse-box-args';
import { startGateway, type Gateway } from '../../../box/gateway/server';
import { startSglangTestEngine, type SglangTestEngine } from '../../support/sglang-test-engine';
import { TEST_TOKEN } from './gateway-fixture';

/** The box keeps every judged turn: its files are for the box user only, and its token stays out of `ps`. */

const repoRoot = resolve(import.meta.dirname, '../../..');
const tsxCli = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
const temps: string[] = [];
let engine: SglangTestEngine | null = null;
let gateway: Gateway | null = null;

afterEach(async () => {
  await gateway?.close();
  gateway = null;
  await engine?.close();
  engine = null;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempParent(): string {
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-box-modes-'));
  temps.push(dir);
  return dir;
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const dbFiles = (dataDir: string) =>
  ['', '-wal', '-shm'].map((suffix) => join(dataDir, `${BOX_DATABASE_FILE}${suffix}`)).filter((f) => existsSync(f));

async function start(dataDir: string): Promise<Gateway> {
  engine ??= await startSglangTestEngine();
  return startGateway({ sglangUrl: engine.url, token: TEST_TOKEN, dataDir, port: 0 }, { log: () => undefined });
}

describe('box data files are private', () => {
  it('creates the data folder 0700 and box.sqlite with its -wal/-shm 0600 when the token comes from a flag', async () => {
    const dataDir = join(tempParent(), 'box', 'data');
    gateway = await start(dataDir);
    expect(mode(dataDir)).toBe('700');
    const files = dbFiles(dataDir);
    expect(files).toHaveLength(3);
    expect(files.map(mode)).toEqual(['600', '600', '600']);
  });

  it('tightens a data folder and database an older gateway left readable to others', async () => {
    const dataDir = join(tempParent(), 'data');
    gateway = await start(dataDir);
    await gateway.close();
    gateway = null;
    const holder = new Database(join(dataDir, BOX_DATABASE_FILE));
    holder.pragma('journal_mode = WAL');
    holder.prepare('SELECT count(*) FROM schema_migrations').get();
    writeFileSync(join(dataDir, 'token'), 'file-token-0123456789abcdef\n', { mode: 0o644 });
    try {
      chmodSync(dataDir, 0o755);
      for (const file of dbFiles(dataDir)) chmodSync(file, 0o644);
      expect(dbFiles(dataDir)).toHaveLength(3);
      gateway = await start(dataDir);
      expect(mode(dataDir)).toBe('700');
      expect(dbFiles(dataDir).map(mode)).toEqual(['600', '600', '600']);
      expect(mode(join(dataDir, 'token'))).toBe('600');
    } finally {
      holder.close();
    }
  });
});

function runBox(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [tsxCli, 'box/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, APPRENTICE_BOX_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    // Stop the gateway as soon as it listens: these tests only read what it printed on the way.
    child.stdout.on('data', () => {
      if (/listening on http/.test(output)) child.kill('SIGTERM');
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

describe('box token from the command line', () => {
  it('documents the token file and the environment variable first, and the 16-character minimum', () => {
    expect(BOX_USAGE).toMatch(/--token-file FILE/);
    expect(BOX_USAGE).toMatch(/APPRENTICE_BOX_TOKEN/);
    expect(BOX_USAGE).toMatch(/16 characters/);
    expect(BOX_USAGE).toMatch(/--token T[\s\S]*process list/);
  });

  it('warns that --token shows in the process list, and reads --token-file without a warning', async () => {
    engine = await startSglangTestEngine();
    const dataDir = join(tempParent(), 'data');
    const withFlag = await runBox(['--sglang', engine.url, '--port', '0', '--data-dir', dataDir, '--token', 'flag-token-0123456789']);
    expect(withFlag.output).toMatch(/listening on http/);
    expect(withFlag.output).toMatch(/warning: --token is visible to every user of this machine[\s\S]*--token-file/);

    const tokenFile = join(tempParent(), 'box-token');
    writeFileSync(tokenFile, 'file-token-0123456789abcdef\n', { mode: 0o600 });
    const withFile = await runBox(['--sglang', engine.url, '--port', '0', '--data-dir', dataDir, '--token-file', tokenFile]);
    expect(withFile.output).toMatch(/listening on http/);
    expect(withFile.output).toContain(`Using the box token in ${tokenFile}`);
    expect(withFile.output).not.toMatch(/warning/);

    chmodSync(tokenFile, 0o644);
    const loose = await runBox(['--sglang', engine.url, '--port', '0', '--data-dir', dataDir, '--token-file', tokenFile]);
    expect(loose.output).toMatch(/warning: .*box-token is readable by other users \(mode 644\); chmod 600 it/);
  }, 120_000);

  it('refuses --token with --token-file, a missing token file, and a short token in it', async () => {
    const dir = tempParent();
    const short = join(dir, 'short');
    writeFileSync(short, 'short\n', { mode: 0o600 });
    const cases: [string[], RegExp][] = [
      [['--token', 'flag-token-0123456789', '--token-file', short], /either --token or --token-file/],
      [['--token-file', join(dir, 'absent')], /cannot read the box token file .*absent/],
      [['--token-file', short], /at least 16 characters/],
    ];
    for (const [args, message] of cases) {
      const run = await runBox(['--sglang', 'http://127.0.0.1:1', '--port', '0', '--data-dir', join(dir, 'data'), ...args]);
      expect(run.code, run.output).toBe(2);
      expect(run.output).toMatch(message);
    }
  }, 120_000);
});

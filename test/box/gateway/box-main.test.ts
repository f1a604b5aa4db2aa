import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSglangTestEngine, type SglangTestEngine } from '../../support/sglang-test-engine';

const repoRoot = resolve(import.meta.dirname, '../../..');
const tsxCli = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');

interface RunningBox {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runBox(args: string[], env: NodeJS.ProcessEnv = {}): RunningBox {
  const child = spawn(process.execPath, [tsxCli, 'box/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, APPRENTICE_BOX_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForListening(box: RunningBox): Promise<string> {
  for (;;) {
    const match = /Apprentice box gateway listening on (http:\/\/\S+)/.exec(box.output());
    if (match) return match[1]!;
    const ended = await Promise.race([box.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 100))]);
    if (ended) throw new Error(`box exited early:\n${box.output()}`);
  }
}

let engine: SglangTestEngine | null = null;
const boxes: RunningBox[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const box of boxes.splice(0)) {
    if (box.child.exitCode === null) box.child.kill('SIGKILL');
    await box.exited;
  }
  await engine?.close();
  engine = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm run box (box/main.ts)', () => {
  it('generates a 0600 token when none is given, listens on 127.0.0.1, and exits cleanly on SIGTERM', async () => {
    engine = await startSglangTestEngine();
    const dataDir = mkdtempSync(join(tmpdir(), 'apprentice-box-main-'));
    dirs.push(dataDir);
    const box = runBox(['--sglang', engine.url, '--port', '0', '--data-dir', dataDir]);
    boxes.push(box);
    const url = await waitForListening(box);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const tokenFile = join(dataDir, 'token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(box.output()).toContain(token);
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    box.child.kill('SIGTERM');
    expect(await box.exited).toBe(0);

    // Second start reuses the stored token instead of making a new one.
    const again = runBox(['--sglang', engine.url, '--port', '0', '--data-dir', dataDir]);
    boxes.push(again);
    const url2 = await waitForListening(again);
    expect(again.output()).toContain(`Using the box token saved in ${tokenFile}`);
    expect((await fetch(`${url2}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('takes the token from $APPRENTICE_BOX_TOKEN', async () => {
    engine = await startSglangTestEngine();
    const dataDir = mkdtempSync(join(tmpdir(), 'apprentice-box-main-'));
    dirs.push(dataDir);
    const box = runBox(['--sglang', engine.url, '--port', '0', '--data-dir', dataDir], { APPRENTICE_BOX_TOKEN: 'env-token-abcdefghijklmnop' });
    boxes.push(box);
    const url = await waitForListening(box);
    expect((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer env-token-abcdefghijklmnop' } })).status).toBe(200);
    box.child.kill('SIGTERM');
    expect(await box.exited).toBe(0);
  });

  it('refuses bad arguments with a clear message and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /--sglang URL is required/],
      [['--sglang', 'not a url'], /--sglang must be a URL/],
      [['--sglang', 'http://127.0.0.1:1', '--port', 'eighty'], /--port must be a number/],
      [['--sglang', 'http://127.0.0.1:1', '--bogus'], /Unknown option '--bogus'/],
      [['--sglang', 'http://127.0.0.1:1', '--token', 'short'], /at least 16 characters/],
    ];
    for (const [args, message] of cases) {
      const box = runBox(args);
      boxes.push(box);
      expect(await box.exited).toBe(2);
      expect(box.output()).toMatch(message);
    }
  });
});

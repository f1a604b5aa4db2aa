import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { browserIpcProtocols } from '../../../shared/ipc/browser-token';
import WebSocket from 'ws';

const root = resolve(import.meta.dirname, '..', '..', '..');
let child: ChildProcess | null = null;
let dir: string | null = null;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  child = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run web (electron/web/main.ts)', () => {
  it('prints one ready line, serves the IPC contract, and shuts down on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'apprentice-webmain-'));
    child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'electron/web/main.ts', '--port', '0', '--data-dir', dir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const ready = await new Promise<string>((resolveLine, reject) => {
      const rl = createInterface({ input: child!.stdout! });
      rl.on('line', (line) => {
        lines.push(line);
        if (line.startsWith('Apprentice (browser mode) ready at ')) resolveLine(line);
      });
      child!.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const match = /^Apprentice \(browser mode\) ready at (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))$/.exec(ready);
    expect(match).not.toBeNull();
    const [, , port, token] = match!;

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ipc`, browserIpcProtocols(token!));
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    const reply = await new Promise<unknown>((r) => {
      ws.once('message', (data) => r(JSON.parse(data.toString())));
      ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'app:info', payload: {} }));
    });
    expect(reply).toMatchObject({ type: 'result', id: 1, result: { ok: true, result: { mode: 'browser', dataDir: dir } } });
    ws.close();

    const exit = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(lines.filter((l) => l.includes('ready at'))).toHaveLength(1);
  }, 90_000);
});

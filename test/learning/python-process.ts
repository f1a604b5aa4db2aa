import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the tiny model's Python lives, and how to run it (Debian's torch, see README). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TINY_MODEL_ROOT = join(REPO_ROOT, 'test', 'support', 'tiny_model');
export const PYTHON = process.env.APPRENTICE_PYTHON ?? '/usr/bin/python3';
const PYTHON_PATH = [TINY_MODEL_ROOT, join(REPO_ROOT, 'box', 'trainer')].join(':');

/**
 * A Python module run as its own process group, with stdin held open by us: the tiny model's programs
 * exit when it closes (--exit-on-stdin-close), so they go even if this process is killed. Output is
 * kept (for failure messages) and handed line by line to `onLine`.
 */
export interface PythonProcess {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first stdout line matching `pattern` (rejects if the process exits first). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

const running = new Set<PythonProcess>();

/** Stops every Python process this module started and is still running (for failure paths). */
export async function stopAllPythonProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

export function startPython(options: {
  name: string;
  module: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}): PythonProcess {
  const child = spawn(PYTHON, ['-u', '-m', options.module, ...options.args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PYTHONPATH: PYTHON_PATH, PYTHONDONTWRITEBYTECODE: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  let pending = '';
  const lineListeners = new Set<(line: string) => void>();
  if (options.onLine) lineListeners.add(options.onLine);
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) for (const listener of [...lineListeners]) listener(line);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
  });
  child.stdin!.on('error', () => undefined); // the child may be gone already
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );

  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  const proc: PythonProcess = {
    name: options.name,
    child,
    output: () => log,
    exited,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolveLine, reject) => {
        const existing = log.split('\n').map((l) => l.match(pattern)).find((m) => m !== null);
        if (existing) return resolveLine(existing);
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${options.name} printed no line matching ${pattern} within ${timeoutMs} ms. Output:\n${log.slice(-4000)}`));
        }, timeoutMs);
        const onLine = (line: string): void => {
          const match = line.match(pattern);
          if (!match) return;
          cleanup();
          resolveLine(match);
        };
        const onExit = ({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): void => {
          cleanup();
          reject(new Error(`${options.name} exited (code ${code}, signal ${signal}) before printing ${pattern}. Output:\n${log.slice(-4000)}`));
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          lineListeners.delete(onLine);
        };
        lineListeners.add(onLine);
        void exited.then(onExit);
      });
    },
    async stop() {
      running.delete(proc);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      signalGroup('SIGTERM');
      const killer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Runs a Python module to the end; rejects with its output when it fails. */
export async function runPython(name: string, module: string, args: string[], timeoutMs: number): Promise<string> {
  const proc = startPython({ name, module, args });
  const timer = setTimeout(() => void proc.stop(), timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} failed (code ${code}, signal ${signal}). Output:\n${proc.output().slice(-4000)}`);
  return proc.output();
}

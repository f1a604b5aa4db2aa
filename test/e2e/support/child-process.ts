import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a TypeScript entry point as its own process (node --import tsx, in its own process group)
 * and waits for the line that says it is ready. Output is kept for failure messages.
 */
export interface ReadyProcess {
  name: string;
  child: ChildProcess;
  /** The ready line's regex match. */
  match: RegExpMatchArray;
  output(): string;
  stop(): Promise<void>;
}

export async function startReadyProcess(options: {
  name: string;
  script: string;
  args: string[];
  ready: RegExp;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<ReadyProcess> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const child = spawn(process.execPath, ['--import', 'tsx', options.script, ...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // The process group: a tool that spawned helpers must not leave them behind.
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
    };
    signalGroup('SIGTERM');
    const killed = setTimeout(() => signalGroup('SIGKILL'), 8_000);
    await exited;
    clearTimeout(killed);
  };

  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${options.name} did not print its ready line within ${timeoutMs} ms. Output:\n${log}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const found = log.match(options.ready);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (code ${code}, signal ${signal}) before it was ready. Output:\n${log}`));
    });
  });
  // Keep draining output so a chatty child never blocks on a full pipe.
  return { name: options.name, child, match, output: () => log, stop };
}

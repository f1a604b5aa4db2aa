import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnUtilityProcessSyncWorker, type UtilityProcessChild, type UtilityProcessForker } from '../../../electron/sync/utility-process-host';
import type { FromWorker } from '../../../electron/sync/types';
import { makeTempDir } from './link-harness';

/**
 * Electron's utilityProcess cannot run here; node's child_process.fork has the same shape for what the
 * host uses (postMessage, 'message', 'exit', kill), so the host's exit handling meets a real process.
 */

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** A child that dies on 'configure' (exit 3) and stops cleanly on 'stop'. */
const CHILD = `
process.on('message', (message) => {
  if (message.type === 'configure') process.exit(3);
  if (message.type === 'stop') process.send({ type: 'stopped' }, () => process.disconnect());
});
`;

function childForker(): { forker: UtilityProcessForker; children: ChildProcess[] } {
  const children: ChildProcess[] = [];
  const forker: UtilityProcessForker = {
    fork(modulePath) {
      const child = fork(modulePath, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      children.push(child);
      const adapter = {
        postMessage: (message: unknown) => {
          if (child.connected) child.send(message as object);
        },
        on: (event: 'message' | 'exit', listener: (value: unknown) => void) => child.on(event, listener as (...args: unknown[]) => void),
        kill: () => child.kill(),
      };
      return adapter as UtilityProcessChild;
    },
  };
  cleanups.push(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  });
  return { forker, children };
}

function childScript(): string {
  const temp = makeTempDir();
  cleanups.push(temp.remove);
  const file = join(temp.dir, 'child.cjs');
  writeFileSync(file, CHILD);
  return file;
}

describe('spawnUtilityProcessSyncWorker', () => {
  it('surfaces a process that exits on its own: a log and the unexpected-exit listeners', async () => {
    const { forker } = childForker();
    const port = spawnUtilityProcessSyncWorker(forker, childScript());
    const messages: FromWorker[] = [];
    port.onMessage((message) => messages.push(message));
    const exited = new Promise<string>((resolve) => port.onUnexpectedExit!(resolve));
    port.post({ type: 'configure', config: { dbFile: '/nowhere.sqlite', boxUrl: '', token: null } });
    const reason = await exited;
    expect(reason).toMatch(/exited unexpectedly \(code 3\)/);
    expect(messages).toContainEqual({ type: 'log', level: 'error', message: reason });
    // A listener added after the exit still hears of it.
    await expect(new Promise<string>((resolve) => port.onUnexpectedExit!(resolve))).resolves.toBe(reason);
    port.post({ type: 'nudge' });
  });

  it('does not report the exit that terminate() asked for', async () => {
    const { forker, children } = childForker();
    const port = spawnUtilityProcessSyncWorker(forker, childScript());
    const messages: FromWorker[] = [];
    port.onMessage((message) => messages.push(message));
    const reasons: string[] = [];
    port.onUnexpectedExit!((reason) => reasons.push(reason));
    await port.terminate();
    const child = children[0]!;
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
    expect(messages).toEqual([{ type: 'stopped' }]);
    expect(reasons).toEqual([]);
  });
});

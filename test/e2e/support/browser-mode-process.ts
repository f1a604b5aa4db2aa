import { resolve } from 'node:path';
import { startReadyProcess, type ReadyProcess } from './child-process';

const repo = resolve(import.meta.dirname, '..', '..', '..');

/** Browser mode (`electron/web/main.ts`) on a free port with its data in `dataDir`; `url` carries its token. */
export async function startBrowserMode(dataDir: string): Promise<{ process: ReadyProcess; url: string }> {
  const process = await startReadyProcess({
    name: 'browser mode',
    script: 'electron/web/main.ts',
    args: ['--port', '0', '--data-dir', dataDir],
    ready: /Apprentice \(browser mode\) ready at (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/,
    cwd: repo,
  });
  return { process, url: process.match[1]! };
}

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/create-core';
import { localServerCandidatesFromEnv } from '../core/local-server-probe';
import { describeNativeLoadFailure } from '../native/check-native-binary';
import { FIX_NODE_BUILD } from '../native/native-paths';
import { startBrowserServer } from './browser-server';
import { parseWebArgs } from './parse-web-args';

/**
 * `npm run web [-- --port N --data-dir D]`: the real core in plain Node with the UI in a browser.
 * Prints exactly one "ready at" line (tests and scripts parse it); everything else goes to stderr.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  let args;
  try {
    args = parseWebArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`apprentice web: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const rendererDir = join(repoRoot, 'out', 'renderer');
  let core;
  try {
    core = createCore({
      dataDir: args.dataDir,
      mode: 'browser',
      version,
      localServers: localServerCandidatesFromEnv(process.env),
      log: (level, message) => {
        if (level !== 'info' || process.env.APPRENTICE_VERBOSE) console.error(`[apprentice:${level}] ${message}`);
      },
    });
  } catch (error) {
    // A native module built for another ABI is named with its fix, not left as a stack trace.
    const native = describeNativeLoadFailure(error, FIX_NODE_BUILD);
    if (!native) throw error;
    console.error(`apprentice web: ${native}`);
    process.exit(1);
  }
  let server;
  try {
    server = await startBrowserServer({ core, port: args.port, rendererDir });
  } catch (error) {
    console.error(`apprentice web: could not listen on 127.0.0.1:${args.port}: ${error instanceof Error ? error.message : String(error)}`);
    await core.close();
    process.exit(1);
  }
  try {
    readFileSync(join(rendererDir, 'index.html'));
  } catch {
    console.error(`[apprentice:warn] ${rendererDir} has no built UI yet: run \`npm run build\`, then reload the page.`);
  }
  console.log(`Apprentice (browser mode) ready at ${server.url}`);
  console.error(`[apprentice:info] data dir: ${args.dataDir}`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`[apprentice:info] ${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();

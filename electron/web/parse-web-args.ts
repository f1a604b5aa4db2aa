import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface WebArgs {
  port: number;
  dataDir: string;
}

export const DEFAULT_WEB_PORT = 5217;

/** `--port N` (0 = any free port) and `--data-dir D`; defaults: 5217 and $APPRENTICE_DATA_DIR or ~/.apprentice. */
export function parseWebArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WebArgs {
  let port = DEFAULT_WEB_PORT;
  let dataDir = env.APPRENTICE_DATA_DIR || join(homedir(), '.apprentice');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--') continue;
    if (flag === '--port') {
      const raw = value();
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n > 65_535) throw new Error(`--port must be a number from 0 to 65535, got "${raw}"`);
      port = n;
    } else if (flag === '--data-dir') {
      dataDir = value();
    } else {
      throw new Error(`unknown option ${arg} (use --port N and --data-dir DIR)`);
    }
  }
  return { port, dataDir: resolve(dataDir) };
}

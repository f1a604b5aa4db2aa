import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface BoxArgs {
  sglangUrl: string;
  teacherSglangUrl: string | null;
  sglangApiKey: string | null;
  host: string;
  port: number;
  token: string | undefined;
  tokenFile: string | undefined;
  dataDir: string;
  sglangOriginalLogprobs: boolean;
}

export class BoxArgsError extends Error {
  override name = 'BoxArgsError';
}

export const BOX_USAGE = `Usage: npm run box -- --sglang URL [--port N] [--host H] [--token-file FILE] [--data-dir D]
                      [--sglang-api-key K] [--teacher-sglang URL]

  --sglang URL           SGLang serving the policy (required), e.g. http://127.0.0.1:30000
  --teacher-sglang URL   a separate frozen teacher/judge SGLang (default: the policy server)
  --sglang-api-key K     SGLang's --api-key, if it has one (also $APPRENTICE_SGLANG_API_KEY)
  --host H               address to listen on (default 127.0.0.1: this machine only;
                         use --host 0.0.0.0 to accept apps from other machines)
  --port N               port to listen on (default 8787)
  --token-file FILE      read the bearer token apps must send from FILE (keep it mode 0600)
  --data-dir D           where the box keeps its database and token (default ~/.apprentice-box;
                         created mode 0700, its files 0600)
  --sglang-original-logprobs true|false
                         whether the policy SGLang runs with SGLANG_RETURN_ORIGINAL_LOGPROB=1 (default
                         true, as the box README launches it); false: served log-probs are temperature-
                         scaled, and the gateway re-scores them raw before training

Token: --token-file FILE, else $APPRENTICE_BOX_TOKEN, else DATA_DIR/token (generated once, mode 0600,
and printed at first start). A token must be at least 16 characters, with no spaces; the gateway
refuses to start with a shorter one.
  --token T              also works, but every user of this machine sees T in the process list
                         (ps); the gateway warns when it is used`;

function httpUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BoxArgsError(`${flag} must be a URL like http://127.0.0.1:30000, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BoxArgsError(`${flag} must be an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** Parses `box/main.ts` arguments; every mistake becomes a BoxArgsError with a readable message. */
export function parseBoxArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BoxArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sglang: { type: 'string' },
        'teacher-sglang': { type: 'string' },
        'sglang-api-key': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'data-dir': { type: 'string' },
        'sglang-original-logprobs': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BoxArgsError((error as Error).message);
  }
  if (values.help) return 'help';
  if (!values.sglang) throw new BoxArgsError('--sglang URL is required (the SGLang server that serves the policy)');
  let port = 8787;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535) throw new BoxArgsError(`--port must be a number from 0 to 65535, got "${values.port}"`);
  }
  if (values.host !== undefined && values.host.trim() === '') throw new BoxArgsError('--host must not be empty');
  const original = values['sglang-original-logprobs'] ?? 'true';
  if (original !== 'true' && original !== 'false') {
    throw new BoxArgsError(`--sglang-original-logprobs must be true or false, got "${original}"`);
  }
  return {
    sglangUrl: httpUrl(values.sglang, '--sglang'),
    teacherSglangUrl: values['teacher-sglang'] ? httpUrl(values['teacher-sglang'], '--teacher-sglang') : null,
    sglangApiKey: values['sglang-api-key'] ?? (env.APPRENTICE_SGLANG_API_KEY || null),
    host: values.host ?? '127.0.0.1',
    port,
    token: values.token,
    tokenFile: values['token-file'] === undefined ? undefined : resolve(values['token-file']),
    dataDir: resolve(values['data-dir'] ?? join(homedir(), '.apprentice-box')),
    sglangOriginalLogprobs: original === 'true',
  };
}

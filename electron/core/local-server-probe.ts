import { listModels } from '../policy/list-models';
import { PolicyError } from '../policy/policy-error';

/** A model server that may run on this machine, at its usual port, with its OpenAI-compatible path. */
export interface LocalServerCandidate {
  name: string;
  port: number;
  path: string;
}

/** Where the common engines listen by default; each serves the OpenAI API under /v1. */
export const LOCAL_SERVER_CANDIDATES: readonly LocalServerCandidate[] = [
  { name: 'Ollama', port: 11434, path: '/v1' },
  { name: 'LM Studio', port: 1234, path: '/v1' },
  { name: 'vLLM', port: 8000, path: '/v1' },
  { name: 'SGLang', port: 30000, path: '/v1' },
  { name: 'llama.cpp', port: 8080, path: '/v1' },
];

export interface DetectedServer {
  name: string;
  /** OpenAI-compatible base URL, ending in /v1. */
  endpoint: string;
  models: string[];
  /** It answered 401/403: it runs, but needs an API key before it lists its models. */
  needsKey: boolean;
}

/**
 * Asks each candidate on 127.0.0.1 for `/v1/models`, all at once and briefly (a port with nothing
 * behind it refuses at once; a hung one is given up after timeoutMs). Only what answers like an
 * OpenAI-compatible server is reported.
 */
export async function detectLocalServers(
  candidates: readonly LocalServerCandidate[] = LOCAL_SERVER_CANDIDATES,
  options: { fetch?: typeof fetch; timeoutMs?: number; host?: string } = {},
): Promise<DetectedServer[]> {
  const host = options.host ?? '127.0.0.1';
  const found = await Promise.all(
    candidates.map(async (candidate): Promise<DetectedServer | null> => {
      const endpoint = `http://${host}:${candidate.port}${candidate.path}`;
      try {
        const models = await listModels({
          endpoint,
          apiKey: null,
          credential: 'api_key',
          fetch: options.fetch,
          timeoutMs: options.timeoutMs ?? 1_500,
        });
        return { name: candidate.name, endpoint, models, needsKey: false };
      } catch (error) {
        if (error instanceof PolicyError && (error.status === 401 || error.status === 403)) {
          return { name: candidate.name, endpoint, models: [], needsKey: true };
        }
        return null;
      }
    }),
  );
  return found.filter((server): server is DetectedServer => server !== null);
}

/**
 * For tests only: `APPRENTICE_LOCAL_SERVER_PORTS=30000,8000` probes just these ports (a test whose
 * default port is taken by another process on the same machine). Unset: the real defaults.
 */
export function localServerCandidatesFromEnv(env: NodeJS.ProcessEnv): readonly LocalServerCandidate[] {
  const raw = env.APPRENTICE_LOCAL_SERVER_PORTS?.trim();
  if (!raw) return LOCAL_SERVER_CANDIDATES;
  return raw.split(',').flatMap((part) => {
    const port = Number(part.trim());
    if (!Number.isInteger(port) || port < 1 || port > 65_535) return [];
    const known = LOCAL_SERVER_CANDIDATES.find((c) => c.port === port);
    return [known ?? { name: `OpenAI-compatible server on port ${port}`, port, path: '/v1' }];
  });
}

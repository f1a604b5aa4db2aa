import { ModelListSchema } from '../../shared/protocol/chat-completion-stream';
import { describeErrorBody, describeFetchFailure } from '../policy/policy-error';

export interface BoxProbeResult {
  ok: boolean;
  detail: string;
  models: string[];
}

/** box:test — is the gateway up (`/health`) and does it accept our token (`/v1/models`)? */
export async function probeBox(
  boxUrl: string,
  token: string | null,
  opts: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<BoxProbeResult> {
  if (!boxUrl) return { ok: false, detail: 'No box URL is configured.', models: [] };
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const get = async (path: string, auth: boolean): Promise<Response | string> => {
    const url = `${boxUrl}${path}`;
    try {
      return await doFetch(url, {
        headers: auth && token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') return `${url} did not answer within ${timeoutMs / 1000} s.`;
      return describeFetchFailure(error, url).message;
    }
  };

  const health = await get('/health', false);
  if (typeof health === 'string') return { ok: false, detail: health, models: [] };
  await health.body?.cancel();
  if (!health.ok) return { ok: false, detail: `The box at ${boxUrl} is not healthy yet: /health answered ${health.status}.`, models: [] };

  const models = await get('/v1/models', true);
  if (typeof models === 'string') return { ok: false, detail: models, models: [] };
  if (models.status === 401 || models.status === 403) {
    await models.body?.cancel();
    return {
      ok: false,
      detail: token ? `The box at ${boxUrl} refused the token.` : `The box at ${boxUrl} requires a token; enter the one it printed at start.`,
      models: [],
    };
  }
  if (!models.ok) {
    const body = await models.text().catch(() => '');
    const said = describeErrorBody(body);
    return { ok: false, detail: `The box at ${boxUrl}: /v1/models answered ${models.status}${said ? ` (${said})` : ''}.`, models: [] };
  }
  let ids: string[];
  try {
    ids = ModelListSchema.parse(await models.json()).data.map((m) => m.id);
  } catch {
    return { ok: false, detail: `${boxUrl}/v1/models did not send an OpenAI model list; is this the box gateway's URL?`, models: [] };
  }
  return {
    ok: true,
    detail: `The box at ${boxUrl} is healthy and serves ${ids.length === 0 ? 'no models yet' : ids.join(', ')}.`,
    models: ids,
  };
}

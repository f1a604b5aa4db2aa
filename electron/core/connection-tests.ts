import { listModels } from '../policy/list-models';
import { normalizeBaseUrl, InvalidSettingsError } from '../settings/settings-store';
import { probeBox, type BoxProbeResult } from './box-probe';
import type { CoreContext } from './core-context';
import { isBoxEndpoint, targetFor } from './policy-target';

/**
 * *Test connection* for what the user typed, before it is saved. A saved secret is used only for
 * the URL it was saved for: the box token for the saved box URL, an API key for its endpoint.
 */

export async function testBoxConnection(ctx: CoreContext, typed: { url?: string; token?: string }): Promise<BoxProbeResult> {
  const saved = ctx.settings.get().box.url;
  const url = typed.url === undefined ? saved : normalized(typed.url, 'box URL');
  if (typeof url !== 'string') return url;
  if (!url) return { ok: false, detail: typed.url === undefined ? 'No box URL is configured.' : 'Enter the box URL first.', models: [] };
  const token = typed.token?.trim() || (url === saved ? await ctx.tokenVault.get() : null);
  return probeBox(url, token, { fetch: ctx.fetch });
}

export async function testEndpointConnection(ctx: CoreContext, typed: { endpoint: string; apiKey?: string }): Promise<BoxProbeResult> {
  const endpoint = normalized(typed.endpoint, 'endpoint');
  if (typeof endpoint !== 'string') return endpoint;
  if (!endpoint) return { ok: false, detail: 'Enter the endpoint URL first (an OpenAI-compatible base URL ending in /v1).', models: [] };
  const settings = ctx.settings.get();
  const savedTarget = targetFor(endpoint, '', settings.box.url, await ctx.tokenVault.get(), ctx.endpointKeys);
  const typedKey = typed.apiKey?.trim() || null;
  const isBox = isBoxEndpoint(endpoint, settings.box.url);
  try {
    const models = await listModels({
      endpoint,
      apiKey: typedKey ?? savedTarget.apiKey,
      credential: isBox ? 'box_token' : 'api_key',
      fetch: ctx.fetch,
    });
    const serves = models.length === 0 ? 'no models yet' : models.join(', ');
    return { ok: true, detail: `${endpoint} answers and serves ${serves}.`, models };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error), models: [] };
  }
}

/** The URL as settings would store it, or a failed result that says what is wrong with it. */
function normalized(value: string, field: string): string | BoxProbeResult {
  try {
    return normalizeBaseUrl(value, field);
  } catch (error) {
    if (error instanceof InvalidSettingsError) return { ok: false, detail: error.message, models: [] };
    throw error;
  }
}

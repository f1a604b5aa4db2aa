import type { StoredSettings } from '../settings/default-settings';
import type { CredentialKind } from '../policy/policy-error';

export interface ModelTarget {
  /** OpenAI-compatible base URL ending in /v1; '' when nothing is configured. */
  endpoint: string;
  /** '' means "the first model the server lists" (see ServedModels). */
  model: string;
  apiKey: string | null;
  /**
   * The endpoint is the user's box (same origin as the box URL). Only then does it get the box
   * token and Apprentice's persona/conversation/turn ids.
   */
  isBox: boolean;
  /** What apiKey is, so a refusal names the right thing to fix. */
  credential: CredentialKind;
}

/** API keys of direct (non-box) endpoints, by endpoint URL. */
export interface EndpointKeyLookup {
  get(endpoint: string): string | null;
}

const NO_KEYS: EndpointKeyLookup = { get: () => null };

/** Where replies come from: the policy endpoint, or the box's own /v1 when that is empty. */
export function resolvePolicyTarget(settings: StoredSettings, boxToken: string | null, keys: EndpointKeyLookup = NO_KEYS): ModelTarget {
  const endpoint = settings.policy.endpoint || (settings.box.url ? `${settings.box.url}/v1` : '');
  return targetFor(endpoint, settings.policy.model, settings.box.url, boxToken, keys);
}

/** The judge defaults to the policy endpoint and model when its own are empty. */
export function resolveJudgeTarget(settings: StoredSettings, boxToken: string | null, keys: EndpointKeyLookup = NO_KEYS): ModelTarget {
  const policy = resolvePolicyTarget(settings, boxToken, keys);
  const endpoint = settings.judge.endpoint || policy.endpoint;
  return targetFor(endpoint, settings.judge.model || policy.model, settings.box.url, boxToken, keys);
}

/** The box token goes only to the box itself; any other endpoint gets its own API key, if one is saved. */
export function targetFor(endpoint: string, model: string, boxUrl: string, boxToken: string | null, keys: EndpointKeyLookup): ModelTarget {
  if (isBoxEndpoint(endpoint, boxUrl)) return { endpoint, model, apiKey: boxToken, isBox: true, credential: 'box_token' };
  return { endpoint, model, apiKey: endpoint ? keys.get(endpoint) : null, isBox: false, credential: 'api_key' };
}

export function isBoxEndpoint(endpoint: string, boxUrl: string): boolean {
  if (!endpoint || !boxUrl) return false;
  try {
    return new URL(endpoint).origin === new URL(boxUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Whether replies come from the box's own policy: the policy endpoint is empty (the box's /v1) or on
 * the box's origin. Only such replies can train; any other endpoint's are another model's text.
 */
export function policyServedByBox(settings: StoredSettings): boolean {
  return isBoxEndpoint(resolvePolicyTarget(settings, null).endpoint, settings.box.url);
}

import type { StoredSettings } from '../settings/default-settings';

export interface ModelTarget {
  /** OpenAI-compatible base URL ending in /v1; '' when nothing is configured. */
  endpoint: string;
  model: string;
  apiKey: string | null;
}

/** Where replies come from: the policy endpoint, or the box's own /v1 when that is empty. */
export function resolvePolicyTarget(settings: StoredSettings, boxToken: string | null): ModelTarget {
  const endpoint = settings.policy.endpoint || (settings.box.url ? `${settings.box.url}/v1` : '');
  return { endpoint, model: settings.policy.model, apiKey: tokenFor(endpoint, settings.box.url, boxToken) };
}

/** The judge defaults to the policy endpoint and model when its own are empty. */
export function resolveJudgeTarget(settings: StoredSettings, boxToken: string | null): ModelTarget {
  const policy = resolvePolicyTarget(settings, boxToken);
  const endpoint = settings.judge.endpoint || policy.endpoint;
  return {
    endpoint,
    model: settings.judge.model || policy.model,
    apiKey: tokenFor(endpoint, settings.box.url, boxToken),
  };
}

/** The box token goes only to the box itself, never to a third-party endpoint the user configured. */
function tokenFor(endpoint: string, boxUrl: string, token: string | null): string | null {
  if (!token || !endpoint || !boxUrl) return null;
  try {
    return new URL(endpoint).origin === new URL(boxUrl).origin ? token : null;
  } catch {
    return null;
  }
}

/**
 * Whether replies come from the box's own policy: the policy endpoint is empty (the box's /v1) or on
 * the box's origin. Only such replies can train; any other endpoint's are another model's text.
 */
export function policyServedByBox(settings: StoredSettings): boolean {
  const endpoint = resolvePolicyTarget(settings, null).endpoint;
  if (!endpoint || !settings.box.url) return false;
  try {
    return new URL(endpoint).origin === new URL(settings.box.url).origin;
  } catch {
    return false;
  }
}

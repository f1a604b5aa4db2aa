import type { Settings } from '../../shared/domain';
import type { ApprenticeApi } from '../../shared/ipc/contract';

/**
 * First run is decided by configuration, not by the persona list (a default persona always
 * exists): no box and no endpoint means nothing can answer yet.
 */
export function hasModelServer(settings: Settings): boolean {
  return settings.box.url !== '' || settings.policy.endpoint !== '';
}

/** Makes a direct OpenAI-compatible endpoint the chat model (its key first, so the first reply has it). */
export async function connectEndpoint(api: ApprenticeApi, choice: { endpoint: string; apiKey: string; model: string }): Promise<Settings> {
  if (choice.apiKey.trim()) await api.invoke('settings:setEndpointKey', { endpoint: choice.endpoint, key: choice.apiKey.trim() });
  return api.invoke('settings:update', { policy: { endpoint: choice.endpoint, model: choice.model } });
}

/** Connects the user's GPU box: chat goes through it (empty policy endpoint), and learning can start. */
export async function connectBox(api: ApprenticeApi, choice: { url: string; token: string; model: string }): Promise<Settings> {
  const saved = await api.invoke('settings:update', { box: { url: choice.url }, policy: { endpoint: '', model: choice.model } });
  if (choice.token.trim()) {
    const { hasToken } = await api.invoke('settings:setBoxToken', { token: choice.token.trim() });
    return { ...saved, box: { ...saved.box, hasToken } };
  }
  return saved;
}

/** Whether `endpoints` (from settings:endpointKeys) holds a key for what is typed (compared as stored). */
export function hasSavedKey(endpoints: readonly string[] | undefined, typed: string): boolean {
  const wanted = typed.trim().replace(/\/+$/, '');
  return wanted !== '' && (endpoints ?? []).includes(wanted);
}

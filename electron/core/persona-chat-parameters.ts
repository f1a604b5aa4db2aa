import type { Persona } from '../../shared/domain';
import type { StoredSettings } from '../settings/default-settings';

export interface ChatParameters {
  model: string;
  temperature: number;
  maxTokens: number;
}

/** The model, temperature and reply length a persona's replies are asked with: its own, else the policy settings'. */
export function chatParametersFor(persona: Persona, settings: StoredSettings): ChatParameters {
  return {
    model: persona.model?.trim() || settings.policy.model,
    temperature: persona.temperature ?? settings.policy.temperature,
    maxTokens: persona.maxTokens ?? settings.policy.maxTokens,
  };
}

/** Whether the persona's chats teach the box (off: signals are read and shown, nothing is sent). */
export function learnsFrom(persona: Persona): boolean {
  return persona.learning !== false;
}

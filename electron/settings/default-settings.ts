import { SettingsSchema, type Settings } from '../../shared/domain';

/** What the settings file holds: everything but `box.hasToken`, which the TokenVault answers. */
export const StoredSettingsSchema = SettingsSchema.extend({
  box: SettingsSchema.shape.box.omit({ hasToken: true }),
});
export type StoredSettings = Omit<Settings, 'box'> & { box: { url: string } };

export function defaultSettings(): StoredSettings {
  return {
    box: { url: '' },
    policy: { endpoint: '', model: '', temperature: 0.7, maxTokens: 2048 },
    // The judge decides inferred rewards by default (see core/judge-availability.ts); 'off' opts out.
    judge: { mode: 'always', endpoint: '', model: '', votes: 3, timeoutMs: 30_000 },
  };
}

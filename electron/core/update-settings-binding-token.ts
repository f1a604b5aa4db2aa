import type { SettingsPatch } from '../../shared/domain';
import { normalizeBaseUrl, type SettingsStore } from '../settings/settings-store';
import type { TokenVault } from '../settings/token-vault';

/**
 * Applies a settings patch, keeping the box token bound to the box it was entered for: when the
 * patch points the box URL elsewhere, the stored token is removed *before* the URL changes, so
 * nothing (box test, chat, the sync worker) can ever pair the old token with the new host. The
 * user enters the new box's token in the same settings form. A token saved before any box URL was
 * set goes with the first URL. A patch that is refused
 * (InvalidSettingsError) changes nothing: the token is put back. Returns whether it was removed.
 */
export async function updateSettingsBindingToken(settings: SettingsStore, tokenVault: TokenVault, patch: SettingsPatch): Promise<boolean> {
  const current = settings.get().box.url;
  // A token saved while no box URL was set belongs to the first box the user names (setup order varies).
  const movesBox = current !== '' && patch.box?.url !== undefined && normalizeBaseUrl(patch.box.url, 'box.url') !== current;
  const token = movesBox ? await tokenVault.get() : null;
  if (token !== null) await tokenVault.set(null);
  try {
    settings.update(patch);
  } catch (error) {
    if (token !== null) await tokenVault.set(token);
    throw error;
  }
  return token !== null;
}

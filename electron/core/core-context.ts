import type { ServedModels } from '../policy/served-models';
import type { EndpointKeys } from '../settings/endpoint-key-store';
import type { SettingsStore } from '../settings/settings-store';
import type { TokenVault } from '../settings/token-vault';
import type { AppStore } from '../store/app-store';
import type { CoreEvents } from './core-events';

/** What the services share: the store, the event fan-out, settings, the token and the sync nudge. */
export interface CoreContext {
  store: AppStore;
  events: CoreEvents;
  settings: SettingsStore;
  tokenVault: TokenVault;
  /** API keys of direct (non-box) endpoints, by endpoint URL. */
  endpointKeys: EndpointKeys;
  fetch?: typeof fetch;
  /** The model each server serves first, for requests whose model Settings leave empty. */
  servedModels: ServedModels;
  /** Tells the sync worker that outbox rows are ready. */
  nudgeSync(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

import type { SignalKind } from '../../shared/domain';
import type { SignalSample } from '../../shared/protocol/box-stream';
import { SIGNAL_KIND_LABEL } from './signal-kind-label';

/**
 * What a sample says in place of the user's words while its hint awaits review, and for good once the
 * hint is rejected: what the user did, not what they wrote. The reward still travels with it.
 */
export function withheldNextState(kind: SignalKind): NonNullable<SignalSample['nextState']> {
  return { role: 'feedback', content: `${SIGNAL_KIND_LABEL[kind].toLowerCase()} (details withheld by the user)` };
}

import type { Reward, SignalKind } from '../../shared/domain';
import type { SignalSample } from '../../shared/protocol/box-stream';
import { SIGNAL_KIND_LABEL } from './signal-kind-label';

/**
 * What a sample says in place of the user's words while its hint awaits review, and for good once the
 * hint is rejected: what the user did, not what they wrote. The reward still travels with it.
 * A reward-0 sample gets no next state at all: the box judge scores such samples from their next
 * state, and a placeholder would have it judge our label instead of the user's words.
 */
export function withheldNextState(kind: SignalKind, reward: Reward): SignalSample['nextState'] {
  if (reward === 0) return null;
  return { role: 'feedback', content: `${SIGNAL_KIND_LABEL[kind].toLowerCase()} (details withheld by the user)` };
}

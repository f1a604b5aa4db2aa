import type { SignalSample } from '../../shared/protocol/box-stream';
import type { ServedTurn } from './served-turn';

/** ok: the turn the policy served, which the sample's reply and context match. */
export type Provenance = { ok: true; turn: ServedTurn } | { ok: false; reason: string };

function sameMessages(a: readonly { role: string; content: string }[], b: readonly { role: string; content: string }[]): boolean {
  return a.length === b.length && a.every((m, i) => m.role === b[i]!.role && m.content === b[i]!.content);
}

/**
 * Only the policy's own replies train: the gateway must have served this very text, for this very
 * conversation, and kept the sampled tokens with their log-probs. Anything else (a reply from another
 * endpoint, text that differs from what was served, a conversation that changed since) is another
 * model's text as far as training is concerned, and never becomes a sample.
 */
export function servedByPolicy(sample: SignalSample, turn: ServedTurn | null): Provenance {
  if (!turn) return { ok: false, reason: "the box's policy did not serve this reply (the gateway has no record of it)" };
  if (turn.tokens.length === 0 && turn.responseText !== '') {
    return { ok: false, reason: "the gateway kept no sampled tokens for this reply" };
  }
  if (turn.responseText !== sample.response) return { ok: false, reason: "the delivered text is not the text the box's policy served" };
  if (!sameMessages(turn.messages, sample.messages)) {
    return { ok: false, reason: "the conversation before this reply changed since the box's policy served it" };
  }
  return { ok: true, turn };
}

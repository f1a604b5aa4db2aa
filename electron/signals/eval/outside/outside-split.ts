/**
 * Tune / held-out split of an outside set, decided by a stable hash of the *dialogue* (not the turn), so
 * turns of one conversation never land on both sides. Fixed before any error of an outside set was read:
 * FNV-1a of "<source>:<dialogue id>", odd → held out (about half of the dialogues).
 */
export type OutsideSplit = 'tune' | 'holdout';

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function outsideSplitOf(source: string, dialogueId: string): OutsideSplit {
  return fnv1a(`${source}:${dialogueId}`) % 2 === 1 ? 'holdout' : 'tune';
}

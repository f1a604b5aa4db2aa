import type { Detection } from './detection';

/** An error line as tools print it: "TypeError: …", "error: Microsoft Visual C++ …", "Module not found: Error: …". */
const ERROR_LINE = /[^\n]*?(?:error|exception|traceback|failed|err!)[^\n]*/giu;
/** Shorter shared text could be a coincidence ("an error"). */
const MIN_SHARED = 20;
const MAX_LINES = 8;
const ERROR_WORD = /error|exception|traceback|failed|err!/i;
const COMPARED = 32;

function squash(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Whether detectRepeatedError needs the user's earlier turns for this (normalised, clipped) message;
 * callers that keep a long thread elsewhere load it only then.
 */
export function readsEarlierUserText(message: string): boolean {
  return ERROR_WORD.test(message);
}

/**
 * "still getting: TypeError: Cannot read properties of undefined (reading 'port')": the user pastes an
 * error they already pasted earlier in the chat. The fix did not take, and they ask again — a re-query,
 * whatever words surround it. Compares error lines of the message with the user's earlier turns.
 */
export function detectRepeatedError(message: string, earlierUserText: () => string): Detection | null {
  // The chat's earlier turns are read only when the message holds an error word at all.
  if (!readsEarlierUserText(message)) return null;
  const earlier = squash(earlierUserText());
  if (!earlier) return null;
  let lines = 0;
  for (const m of message.matchAll(ERROR_LINE)) {
    if ((lines += 1) > MAX_LINES) break;
    // Compare from the error word on: what precedes it ("still getting:", "same thing.") is the user's own.
    const line = squash(m[0]);
    const start = line.search(/[\p{L}.]*(?:error|exception|traceback|failed|err!)/u);
    // Only the head of the error: the user may run on after it ("… again. react-dom is 17 if that matters").
    const tail = line.slice(Math.max(0, start)).replace(/[\s.:;,!?]+$/u, '').slice(0, COMPARED);
    if (tail.length >= MIN_SHARED && earlier.includes(tail)) {
      return { label: 'requery', confidence: 0.75, evidence: [`same error again:"${tail.slice(0, 60)}"`], hint: null };
    }
  }
  return null;
}

import type { Message } from '../../shared/domain';

/**
 * Pure updates of one conversation's visible thread in the query cache, driven by chat:delta and
 * chat:message events. Deltas can arrive before the message row reaches the cache (the chat:send
 * response races the first deltas), so unknown ids are stashed and merged when the row shows up.
 *
 * Rows are merged by revision, not by arrival: the chat:send response carries the reply as it was
 * created ('streaming'), and it can arrive after the event that already finished it (a policy that
 * fails at once). An older revision never replaces a newer one (see isOlderRevision).
 */

export interface ThreadCache {
  messages: Message[];
  /** Streamed text for messages not (yet) in `messages`, by id. */
  orphanText: Record<string, string>;
}

export const emptyThread: ThreadCache = { messages: [], orphanText: {} };

/** Streamed text wins over a stored prefix of itself; otherwise the stored row is the truth. */
export function mergeStreamedContent(stored: string, streamed: string): string {
  if (streamed.length > stored.length && streamed.startsWith(stored)) return streamed;
  return stored;
}

/**
 * Whether `incoming` is an older revision of the row than `current`. A reply only moves forward
 * (streaming → complete | stopped | error, never back), and updatedAt only grows for one row.
 */
export function isOlderRevision(incoming: Message, current: Message): boolean {
  const finished = (m: Message) => (m.status === 'streaming' ? 0 : 1);
  if (finished(incoming) !== finished(current)) return finished(incoming) < finished(current);
  return incoming.updatedAt < current.updatedAt;
}

function bySeq(a: Message, b: Message): number {
  return a.seq - b.seq;
}

/** Appends streamed answer text (`delta`) or reasoning (`reasoning`) to a streaming reply. */
export function applyDelta(thread: ThreadCache, messageId: string, delta: string, reasoning = ''): ThreadCache {
  const index = thread.messages.findIndex((m) => m.id === messageId);
  if (index < 0) {
    // Reasoning that arrives before its row is not kept here: the row brings what was saved of it.
    if (delta === '') return thread;
    return { ...thread, orphanText: { ...thread.orphanText, [messageId]: (thread.orphanText[messageId] ?? '') + delta } };
  }
  const current = thread.messages[index]!;
  // A finished message never grows again; a late delta must not corrupt the stored text.
  if (current.status !== 'streaming') return thread;
  const messages = thread.messages.slice();
  messages[index] = reasoning
    ? { ...current, content: current.content + delta, reasoning: (current.reasoning ?? '') + reasoning }
    : { ...current, content: current.content + delta };
  return { ...thread, messages };
}

/**
 * Whether a row the cache does not hold belongs to another version of a turn shown here: its parent
 * is in the thread but is not the last message (the thread goes on with another of its answers).
 * Views that switch versions replace the thread wholesale (replaceFrom, a refetch).
 */
function onAnotherBranch(thread: ThreadCache, message: Message): boolean {
  if (message.parentId === undefined) return false;
  // Another first message while the thread already starts with one: an edit of the first message.
  if (message.parentId === null) return thread.messages[0]?.parentId === null;
  const parentIndex = thread.messages.findIndex((m) => m.id === message.parentId);
  return parentIndex >= 0 && parentIndex < thread.messages.length - 1;
}

/** Inserts or replaces a stored row; a row from another branch of the conversation is left out. */
export function applyMessage(thread: ThreadCache, message: Message): ThreadCache {
  const { [message.id]: orphan, ...orphanText } = thread.orphanText;
  const existing = thread.messages.find((m) => m.id === message.id);
  if (!existing && onAnotherBranch(thread, message)) return { ...thread, orphanText };
  // A stale snapshot (e.g. the chat:send response after the reply already failed) changes nothing.
  if (existing && isOlderRevision(message, existing)) return { ...thread, orphanText };
  let content = message.content;
  if (message.status === 'streaming') {
    if (existing) content = mergeStreamedContent(content, existing.content);
    if (orphan !== undefined) content = mergeStreamedContent(content, orphan);
  }
  // Events carry the row without its versions (only thread listings have them): keep what was known.
  const next = { ...message, content, versionIds: message.versionIds ?? existing?.versionIds };
  const messages = existing
    ? thread.messages.map((m) => (m.id === message.id ? next : m))
    : [...thread.messages, next].sort(bySeq);
  return { messages, orphanText };
}

/**
 * A fresh list from messages:list; keeps streamed text that is ahead of what was stored. The list is
 * a snapshot from when it was read: rows the cache got since (by events, by the chat:send response)
 * come after the snapshot's last seq and stay; a row missing at or below it left the thread.
 */
export function applyFetchedList(thread: ThreadCache, fetched: Message[]): ThreadCache {
  let next: ThreadCache = { messages: [], orphanText: { ...thread.orphanText } };
  const known = new Map(thread.messages.map((m) => [m.id, m]));
  const lastFetchedSeq = fetched.reduce((max, m) => Math.max(max, m.seq), 0);
  const fetchedIds = new Set(fetched.map((m) => m.id));
  for (const newer of thread.messages) {
    if (newer.seq > lastFetchedSeq && !fetchedIds.has(newer.id)) next = applyMessage(next, newer);
  }
  for (const message of fetched) {
    const cached = known.get(message.id);
    // A list fetched before the reply finished must not undo the finish that arrived meanwhile.
    if (cached && isOlderRevision(message, cached)) {
      next = applyMessage(next, cached);
      continue;
    }
    if (cached && cached.status === 'streaming' && message.status === 'streaming') {
      next.orphanText[message.id] = mergeStreamedContent(next.orphanText[message.id] ?? '', cached.content);
    }
    next = applyMessage(next, message);
  }
  return next;
}

/** The assistant message still streaming in this thread, if any (there is at most one). */
export function streamingMessage(thread: ThreadCache): Message | null {
  for (let i = thread.messages.length - 1; i >= 0; i -= 1) {
    const m = thread.messages[i]!;
    if (m.role === 'assistant' && m.status === 'streaming') return m;
  }
  return null;
}

/** The last assistant reply (the only one that can be regenerated). */
export function lastAssistantMessage(thread: ThreadCache): Message | null {
  for (let i = thread.messages.length - 1; i >= 0; i -= 1) {
    const m = thread.messages[i]!;
    if (m.role === 'assistant') return m;
  }
  return null;
}

/**
 * The thread with `fromId` and everything after it replaced by `messages` (a new version of a turn
 * and what follows it: a regeneration, a retry, an edited message resent).
 */
export function replaceFrom(thread: ThreadCache, fromId: string, messages: Message[]): ThreadCache {
  const index = thread.messages.findIndex((m) => m.id === fromId);
  const kept = index < 0 ? thread.messages : thread.messages.slice(0, index);
  let next: ThreadCache = { messages: kept, orphanText: thread.orphanText };
  for (const message of messages) next = applyMessage(next, message);
  return next;
}

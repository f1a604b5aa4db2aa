import type { Message, Persona } from '../../shared/domain';
import { readsEarlierUserText } from '../signals/detect-repeated-error';
import { clipForAnalysis, normalizeText } from '../signals/normalize-text';
import type { Turn } from '../signals/types';
import type { MessageRepository } from '../store/message-repository';

/**
 * How much earlier user text the classifier compares a pasted error with: classify-follow-up joins
 * the clipped user turns and keeps their last 20,000 characters. A window that long gives it the very
 * same text the whole thread would.
 */
export const EARLIER_USER_TEXT_CHARS = 20_000;
/** However short the turns, a window never holds more than this many. */
const MAX_WINDOW_TURNS = 2_000;
/** Rows read per query while filling a window. */
const PAGE = 64;
const MAX_CACHED_CONVERSATIONS = 256;

interface UserTurn {
  seq: number;
  content: string;
  /** Length of the turn as the classifier clips it. */
  clipped: number;
  blank: boolean;
}

interface Window {
  /** Every visible user turn up to this seq has been seen; the newest of them are kept. */
  throughSeq: number;
  /** MessageRepository.threadChanges when the window was read. */
  version: number;
  /** Holds enough earlier text for the repeated-error rule (or every user turn there is). */
  complete: boolean;
  turns: UserTurn[];
}

/**
 * The context the follow-up classifier and the judge read for a turn: the persona's system prompt
 * and the user's turns before the reply. They need only the previous user turn, plus the earlier user
 * text (bounded) when the message holds an error word; so only that is read, and it is kept per
 * conversation and extended by the one new user turn each time. A turn then costs the same at the
 * 1,000th reply as at the first. (The policy request and the training sample still carry the whole
 * thread: those are what the model sees.)
 */
export class FollowUpContexts {
  private readonly windows = new Map<string, Window>();

  /** Context for judging `reply` by the user's next message `nextUser`. */
  contextFor(
    messages: MessageRepository,
    persona: Pick<Persona, 'systemPrompt'>,
    reply: Pick<Message, 'conversationId' | 'seq'>,
    nextUser: string,
  ): Turn[] {
    const needsEarlier = readsEarlierUserText(normalizeText(clipForAnalysis(nextUser)));
    const window = this.windowFor(messages, reply.conversationId, reply.seq, needsEarlier);
    const context: Turn[] = [];
    if (persona.systemPrompt.trim() !== '') context.push({ role: 'system', content: persona.systemPrompt });
    for (const turn of window.turns) context.push({ role: 'user', content: turn.content });
    return context;
  }

  private windowFor(messages: MessageRepository, conversationId: string, beforeSeq: number, needsEarlier: boolean): Window {
    const cached = this.windows.get(conversationId);
    let window: Window;
    if (!cached || cached.version !== messages.threadChanges || cached.throughSeq >= beforeSeq || (needsEarlier && !cached.complete)) {
      window = readWindow(messages, conversationId, beforeSeq, needsEarlier);
    } else {
      window = cached;
      if (window.throughSeq < beforeSeq - 1) {
        for (const row of messages.userTurnsBetween(conversationId, window.throughSeq, beforeSeq)) window.turns.push(userTurn(row));
        window.throughSeq = beforeSeq - 1;
        trimWindow(window);
      }
    }
    // Most recently used last; the least recently used conversation leaves first.
    this.windows.delete(conversationId);
    this.windows.set(conversationId, window);
    if (this.windows.size > MAX_CACHED_CONVERSATIONS) this.windows.delete(this.windows.keys().next().value!);
    return window;
  }
}

function userTurn(row: { seq: number; content: string }): UserTurn {
  return { seq: row.seq, content: row.content, clipped: clipForAnalysis(row.content).length, blank: row.content.trim() === '' };
}

/** The turns as the classifier joins them (clipped, one newline between) reach its window. */
function holdsEnough(clippedTotal: number, count: number): boolean {
  return clippedTotal + Math.max(0, count - 1) >= EARLIER_USER_TEXT_CHARS;
}

/**
 * Reads user turns before `beforeSeq`, newest first, until one has text (the previous request) or,
 * with `earlier`, until they hold the classifier's whole window of earlier text.
 */
function readWindow(messages: MessageRepository, conversationId: string, beforeSeq: number, earlier: boolean): Window {
  const newestFirst: UserTurn[] = [];
  let total = 0;
  let sawText = false;
  let cursor = beforeSeq;
  let exhausted = false;
  for (;;) {
    const page = messages.userTurnsBefore(conversationId, cursor, earlier ? PAGE : 1);
    if (page.length === 0) {
      exhausted = true;
      break;
    }
    for (const row of page) {
      const turn = userTurn(row);
      newestFirst.push(turn);
      total += turn.clipped;
      sawText ||= !turn.blank;
    }
    cursor = page.at(-1)!.seq;
    if (newestFirst.length >= MAX_WINDOW_TURNS) break;
    if (earlier ? sawText && holdsEnough(total, newestFirst.length) : sawText) break;
  }
  const complete = exhausted || newestFirst.length >= MAX_WINDOW_TURNS || holdsEnough(total, newestFirst.length);
  return { throughSeq: beforeSeq - 1, version: messages.threadChanges, complete, turns: newestFirst.reverse() };
}

/** Drops the oldest turns a window no longer needs (it keeps enough text and a turn with text). */
function trimWindow(window: Window): void {
  const { turns } = window;
  let total = turns.reduce((sum, t) => sum + t.clipped, 0);
  while (turns.length > 1) {
    const oldest = turns[0]!;
    const withoutOldest = total - oldest.clipped;
    const keepsText = turns.some((t, i) => i > 0 && !t.blank);
    const tooMany = turns.length > MAX_WINDOW_TURNS;
    const stillEnough = holdsEnough(withoutOldest, turns.length - 1);
    // An incomplete window keeps only what it needs for the previous request: its newest turn with text.
    const unneeded = window.complete ? stillEnough || tooMany : true;
    if (!keepsText || !unneeded) break;
    turns.shift();
    total = withoutOldest;
  }
}

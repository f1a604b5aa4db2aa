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
/**
 * However short the turns, a window never holds more than this many: each turn adds at least one
 * character (the newline between turns), so this many always hold the whole 20,000.
 */
const MAX_WINDOW_TURNS = EARLIER_USER_TEXT_CHARS + 1;
/** Rows read per query while filling a window for the repeated-error rule. */
const PAGE = 64;

/** The turns as the classifier joins them (clipped, one newline between) reach its window. */
function holdsEnough(clippedTotal: number, count: number): boolean {
  return clippedTotal + Math.max(0, count - 1) >= EARLIER_USER_TEXT_CHARS;
}

/**
 * The context the follow-up classifier and the judge read for a turn: the persona's system prompt
 * and the user turns the reply answers. They need only the previous request (the nearest user turn
 * with text), plus the earlier user text (bounded) when the message holds an error word; so only
 * that is read, walking up the conversation tree from the reply and stopping once it has enough. A
 * turn then costs the same at the 1,000th reply as at the first. (The policy request and the
 * training sample still carry the whole thread: those are what the model sees.)
 */
export function followUpContext(
  messages: MessageRepository,
  persona: Pick<Persona, 'systemPrompt'>,
  reply: Pick<Message, 'id'>,
  nextUser: string,
): Turn[] {
  const earlier = readsEarlierUserText(normalizeText(clipForAnalysis(nextUser)));
  const newestFirst: string[] = [];
  let total = 0;
  let sawText = false;
  let from = reply.id;
  for (;;) {
    const page = messages.userTurnsAbove(from, earlier ? PAGE : 1);
    for (const row of page) {
      from = row.id;
      newestFirst.push(row.content);
      total += clipForAnalysis(row.content).length;
      sawText ||= row.content.trim() !== '';
    }
    if (page.length === 0 || newestFirst.length >= MAX_WINDOW_TURNS) break;
    if (earlier ? sawText && holdsEnough(total, newestFirst.length) : sawText) break;
  }
  // A page may overshoot: drop the oldest turns the window still holds enough text without.
  if (earlier) {
    while (newestFirst.length > 1) {
      const oldest = newestFirst.at(-1)!;
      const without = total - clipForAnalysis(oldest).length;
      const keepsText = newestFirst.slice(0, -1).some((t) => t.trim() !== '');
      if (!keepsText || !holdsEnough(without, newestFirst.length - 1)) break;
      newestFirst.pop();
      total = without;
    }
  }
  const context: Turn[] = [];
  if (persona.systemPrompt.trim() !== '') context.push({ role: 'system', content: persona.systemPrompt });
  for (const content of newestFirst.reverse()) context.push({ role: 'user', content });
  return context;
}

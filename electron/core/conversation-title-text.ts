import { splitReasoning } from '../../shared/split-reasoning';

/**
 * Conversation titles as text: the stand-in made from the first message until a generated one
 * arrives, the prompt that asks the model for one, and what of the model's answer may be a title.
 */

const STAND_IN_MAX = 48;
const TITLE_MAX = 80;
const TITLE_MAX_WORDS = 12;

/** Markdown and quoting that a title should not carry. */
function plain(text: string): string {
  return text
    .replace(/`+/g, '')
    .replace(/\*\*|__|[*_~]/g, '')
    .replace(/^#+\s*/, '')
    .replace(/^\s*[-*>]\s+/, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A short stand-in title from the first message: its first line, without markdown, cut at a word
 * boundary to at most 48 characters (with an ellipsis when cut).
 */
export function standInTitle(firstMessage: string): string {
  const line = firstMessage.split('\n').map(plain).find((l) => l !== '') ?? '';
  if (line.length <= STAND_IN_MAX) return line;
  const cut = line.slice(0, STAND_IN_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space >= STAND_IN_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/, '')}…`;
}

/** What the model is asked: a title for the first exchange, and nothing else. */
export function titleRequestMessages(user: string, reply: string): Array<{ role: 'system' | 'user'; content: string }> {
  const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}…`);
  return [
    { role: 'system', content: 'You name conversations. Answer with a title of two to six words and nothing else: no quotes, no punctuation at the end.' },
    {
      role: 'user',
      content: `Name this conversation.\n\nUser: ${clip(user.trim(), 1_500)}\n\nAssistant: ${clip(reply.trim(), 1_500)}\n\nTitle:`,
    },
  ];
}

/**
 * The title in a model's answer, or null when the answer is no usable title (empty, only reasoning,
 * a paragraph). Reasoning (<think>…</think>), a "Title:" label, quotes and a final full stop go.
 */
export function titleFromAnswer(answer: string): string | null {
  const line = splitReasoning(answer).answer.split('\n').map(plain).find((l) => l !== '');
  if (!line) return null;
  const title = line
    .replace(/^title\s*:\s*/i, '')
    .replace(/^["'“”‘’«»]+|["'“”‘’«»]+$/g, '')
    .replace(/[.。!:;,]+$/, '')
    .trim();
  if (title === '' || title.length > TITLE_MAX || title.split(' ').length > TITLE_MAX_WORDS) return null;
  return title;
}

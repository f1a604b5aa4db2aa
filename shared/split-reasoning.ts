/**
 * Separates a reasoning model's thinking from its answer when both arrive in the reply text:
 * `<think>…</think>answer` (Qwen3, DeepSeek-R1 without a reasoning parser), or `…</think>answer`
 * when the chat template already opened the tag in the prompt. Reasoning the server sends apart
 * (`reasoning_content`) is kept apart by the core (Message.reasoning) and needs no splitting.
 */
export interface ReasoningSplit {
  /** The thinking, trimmed; null when the reply has none. */
  reasoning: string | null;
  /** The answer shown as the reply. */
  answer: string;
  /** Where `answer` starts in the reply text (for mapping selections back to it). */
  answerStart: number;
  /** The thinking has not ended yet (no closing tag so far). */
  thinking: boolean;
}

const OPEN = '<think>';
const CLOSE = '</think>';

export function splitReasoning(content: string): ReasoningSplit {
  const lead = content.length - content.trimStart().length;
  if (content.startsWith(OPEN, lead)) {
    const bodyStart = lead + OPEN.length;
    const close = content.indexOf(CLOSE, bodyStart);
    if (close < 0) return { reasoning: content.slice(bodyStart).trim(), answer: '', answerStart: content.length, thinking: true };
    return answerAfter(content, content.slice(bodyStart, close), close + CLOSE.length);
  }
  // Only a closing tag: the template opened the thinking. It must sit on its own line (or start the
  // reply) so that a reply merely mentioning the tag keeps its text.
  const close = content.indexOf(CLOSE);
  if (close >= 0 && !content.slice(0, close).includes(OPEN) && (close === lead || content[close - 1] === '\n')) {
    return answerAfter(content, content.slice(0, close), close + CLOSE.length);
  }
  return { reasoning: null, answer: content, answerStart: 0, thinking: false };
}

function answerAfter(content: string, reasoning: string, end: number): ReasoningSplit {
  const rest = content.slice(end);
  const answerStart = end + (rest.length - rest.trimStart().length);
  const trimmed = reasoning.trim();
  return { reasoning: trimmed === '' ? null : trimmed, answer: content.slice(answerStart), answerStart, thinking: false };
}

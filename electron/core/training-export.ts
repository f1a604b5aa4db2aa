import type { Message, Persona, Signal } from '../../shared/domain';
import type { ChatMessage } from '../../shared/protocol/box-stream';
import type { AppStore } from '../store/app-store';
import type { ReplyCorrection } from '../store/reply-correction-repository';
import { notFound } from './core-error';
import type { ExportFile } from './conversation-export';
import { decidedReward, isAcceptedReply } from './reply-acceptance';
import { policyMessages } from './policy-messages';

export type TrainingFormat = 'openai-jsonl' | 'dpo-jsonl';

/** One line of an OpenAI fine-tuning file (chat format). */
export interface FineTuningExample {
  messages: ChatMessage[];
}

/** One TRL preference pair, conversational format: the prompt as messages, both answers as one assistant message. */
export interface PreferencePair {
  prompt: ChatMessage[];
  chosen: [{ role: 'assistant'; content: string }];
  rejected: [{ role: 'assistant'; content: string }];
}

/**
 * Training data from a persona's conversations, for training elsewhere:
 *  - openai-jsonl: every reply the user accepted (judged, no live signal against it), with the
 *    context the model wrote it in — OpenAI's fine-tuning chat format;
 *  - dpo-jsonl: a preference pair for every reply the user corrected — rejected: what the model
 *    wrote; chosen: the user's rewrite, else the reply with the user's inline marks applied, else
 *    the reply the model gave to the user's "no, I meant …" (unless that one was rejected too).
 * Failed, stopped and empty replies are never in it.
 */
export function trainingExport(store: AppStore, personaId: string, format: TrainingFormat, now = Date.now()): ExportFile & { count: number } {
  const persona = store.personas.get(personaId);
  if (!persona) throw notFound('persona', personaId);
  const lines: string[] = [];
  for (const reply of finishedReplies(store, personaId)) {
    const signals = store.signals.listActiveForMessage(reply.id);
    if (format === 'openai-jsonl') {
      if (!isAcceptedReply(signals)) continue;
      const example: FineTuningExample = { messages: [...contextOf(store, persona, reply), { role: 'assistant', content: reply.content }] };
      lines.push(JSON.stringify(example));
    } else {
      const chosen = correctedText(store, reply, signals);
      if (chosen === null || chosen.trim() === reply.content.trim()) continue;
      const pair: PreferencePair = {
        prompt: contextOf(store, persona, reply),
        chosen: [{ role: 'assistant', content: chosen }],
        rejected: [{ role: 'assistant', content: reply.content }],
      };
      lines.push(JSON.stringify(pair));
    }
  }
  const slug = persona.name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '') || 'persona';
  const kind = format === 'openai-jsonl' ? 'accepted-replies' : 'preference-pairs';
  return {
    fileName: `apprentice-${slug}-${kind}-${new Date(now).toISOString().slice(0, 10)}.jsonl`,
    mimeType: 'application/jsonl',
    content: lines.length > 0 ? `${lines.join('\n')}\n` : '',
    count: lines.length,
  };
}

/** Every finished reply with text in the persona's live conversations, every version, oldest first. */
function finishedReplies(store: AppStore, personaId: string): Message[] {
  const ids = store.db
    .prepare(
      `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
       WHERE c.persona_id = ? AND m.role = 'assistant' AND m.status = 'complete' AND m.content <> ''
       ORDER BY m.created_at, m.seq`,
    )
    .all(personaId) as Array<{ id: string }>;
  return ids.map(({ id }) => store.messages.get(id)).filter((m): m is Message => m !== null);
}

/** What the model saw when it wrote the reply (its system prompt then, rewrites made before then included). */
function contextOf(store: AppStore, persona: Persona, reply: Message): ChatMessage[] {
  const systemPrompt = store.messages.systemPromptOf(reply.id) ?? persona.systemPrompt;
  return policyMessages({ systemPrompt }, store.messages.contextOf(reply.id, reply.createdAt));
}

/** What the user said the reply should have been, or null. */
function correctedText(store: AppStore, reply: Message, signals: readonly Signal[]): string | null {
  const corrections = store.corrections.listLiveForMessage(reply.id);
  const rewrite = corrections.filter((c) => c.kind === 'edit').at(-1);
  if (rewrite) return rewrite.text;
  const marks = corrections.filter((c): c is Extract<ReplyCorrection, { kind: 'inline_mark' }> => c.kind === 'inline_mark');
  if (marks.length > 0) return applyMarks(reply.content, marks);
  const correction = signals.find((s) => s.kind === 'correction' && s.triggerMessageId !== null);
  if (correction) return answerToCorrection(store, correction.triggerMessageId!);
  return null;
}

/** The reply with each marked span replaced by what the user wrote (overlapping later marks are left out). */
export function applyMarks(text: string, marks: ReadonlyArray<{ start: number; end: number; text: string }>): string {
  let result = '';
  let at = 0;
  for (const mark of [...marks].sort((a, b) => a.start - b.start)) {
    if (mark.start < at || mark.end > text.length) continue;
    result += text.slice(at, mark.start) + mark.text;
    at = mark.end;
  }
  return result + text.slice(at);
}

/** The reply shown after the user's correction, if it finished and the user did not reject it too. */
function answerToCorrection(store: AppStore, correctionMessageId: string): string | null {
  const row = store.db.prepare(`SELECT selected_child_id AS id FROM messages WHERE id = ?`).get(correctionMessageId) as { id: string | null } | undefined;
  const answer = row?.id ? store.messages.get(row.id) : null;
  if (!answer || answer.role !== 'assistant' || answer.status !== 'complete' || answer.content.trim() === '') return null;
  if (store.signals.listActiveForMessage(answer.id).some((s) => decidedReward(s) < 0)) return null;
  return answer.editedContent ?? answer.content;
}

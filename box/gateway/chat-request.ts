import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { IdSchema } from '../../shared/domain';
import { CHAT_HEADER_CONVERSATION, CHAT_HEADER_PERSONA, CHAT_HEADER_TURN } from '../../shared/protocol/chat-headers';
import type { TurnMessage } from './turn-log';

const ContentPartSchema = z.object({ type: z.string(), text: z.string().optional() }).passthrough();

/**
 * The part of an OpenAI chat request the gateway reads. Everything else passes through to SGLang
 * untouched (sampling params, chat_template_kwargs, tools, ...), which validates it itself.
 */
export const ChatRequestSchema = z
  .object({
    messages: z
      .array(
        z
          .object({
            role: z.string().min(1).max(64),
            content: z.union([z.string(), z.array(ContentPartSchema), z.null()]).optional(),
          })
          .passthrough(),
      )
      .min(1, 'messages must hold at least one message'),
    model: z.string().max(500).optional(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).passthrough().nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
  })
  .passthrough();
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export interface TurnHeaders {
  personaId: string | null;
  conversationId: string | null;
  /** null when the client sent none; the proxy then makes one up. */
  turnId: string | null;
}

export class TurnHeaderError extends Error {
  override name = 'TurnHeaderError';
}

function readIdHeader(req: IncomingMessage, name: string): string | null {
  const raw = req.headers[name];
  if (raw === undefined) return null;
  const parsed = IdSchema.safeParse(Array.isArray(raw) ? raw.join(',') : raw);
  if (!parsed.success) throw new TurnHeaderError(`header ${name} must be 1-128 characters`);
  return parsed.data;
}

/** Reads the x-apprentice-* headers; a present but malformed one is an error, never silently dropped. */
export function readTurnHeaders(req: IncomingMessage): TurnHeaders {
  return {
    personaId: readIdHeader(req, CHAT_HEADER_PERSONA),
    conversationId: readIdHeader(req, CHAT_HEADER_CONVERSATION),
    turnId: readIdHeader(req, CHAT_HEADER_TURN),
  };
}

/** Text of each request message (content parts joined), as the turn log keeps them. */
export function turnMessages(request: ChatRequest): TurnMessage[] {
  return request.messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : Array.isArray(m.content)
          ? m.content.map((part) => (part.type === 'text' ? part.text ?? '' : '')).join('')
          : '',
  }));
}

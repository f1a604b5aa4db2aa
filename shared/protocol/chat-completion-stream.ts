import { z } from 'zod';
import { ChatLearningNoticeSchema } from './chat-learning-notice';

/**
 * The parts of an OpenAI-compatible chat completion (streamed chunk or whole reply) that the app
 * reads. Lenient on purpose: SGLang, vLLM, Ollama and llama.cpp add their own fields, and a chunk may
 * carry only a role, only a finish reason, or only usage.
 */

const ContentSchema = z.string().nullable().optional();

export const ChatCompletionChunkSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        index: z.number().int().optional(),
        delta: z
          .object({ role: z.string().nullable().optional(), content: ContentSchema, reasoning_content: ContentSchema })
          .optional(),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .optional(),
  /** Some servers report failures inside the stream instead of with an HTTP status. */
  error: z.union([z.string(), z.object({ message: z.string().optional() }).passthrough()]).optional(),
  /** The box gateway's notices while a request waits out a training step (chat-learning-notice.ts). */
  apprentice: ChatLearningNoticeSchema.optional(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;

export const ChatCompletionSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ role: z.string().optional(), content: ContentSchema, reasoning_content: ContentSchema }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
});
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;

/**
 * `GET /v1/models`. Unknown fields pass through (servers add `owned_by`, `max_model_len`, ...): the box
 * gateway relays the list as parsed, and the app reads only the ids.
 */
export const ModelListSchema = z
  .object({
    object: z.string().nullish(),
    data: z.array(z.object({ id: z.string() }).passthrough()),
  })
  .passthrough();
export type ModelList = z.infer<typeof ModelListSchema>;

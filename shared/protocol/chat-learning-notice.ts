import { z } from 'zod';

/**
 * While the box trains a step (or loads new weights), the box gateway keeps a streamed chat request in
 * its queue and says so inside the stream: it sends the response headers at once and then, every few
 * seconds, a chunk with no choices that carries this extension under `apprentice`. Other OpenAI
 * clients see ordinary (empty) chunks. When serving resumes, one more such chunk names the policy
 * version that will answer (the response header could not: it was sent before the update finished).
 */
export const CHAT_CHUNK_EXTENSION_KEY = 'apprentice';

export const ChatLearningNoticeSchema = z.object({
  /** The reply waits for a training step / weight push; null resumeInMs: no estimate yet. */
  learning: z.object({ resumeInMs: z.number().int().nonnegative().nullable() }).optional(),
  /** Serving resumed: the weight version that produces this reply. */
  policyVersion: z.string().max(200).optional(),
});
export type ChatLearningNotice = z.infer<typeof ChatLearningNoticeSchema>;

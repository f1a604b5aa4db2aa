import { z } from 'zod';
import { HintModeSchema, IdSchema, MessageRoleSchema, MessageStatusSchema, PersonaParametersSchema } from './domain';

/**
 * The JSON file conversations are exported to and imported from ("apprentice.conversations",
 * version 1). Ids are kept, so importing a file twice adds nothing the second time. Every message of
 * a conversation is in it, earlier versions too; `selected` marks the version its turn shows.
 */
export const ARCHIVE_FORMAT = 'apprentice.conversations';

const TextSchema = z.string().max(1_000_000);

export const ArchivedMessageSchema = z
  .object({
    id: IdSchema,
    seq: z.number().int().min(1),
    parentId: IdSchema.nullable(),
    role: MessageRoleSchema,
    content: TextSchema,
    status: MessageStatusSchema,
    error: z.string().max(10_000).nullable(),
    model: z.string().max(500).nullable(),
    policyVersion: z.string().max(200).nullable(),
    /** The user's rewrite of a reply, shown (and answered) instead of `content`. */
    editedContent: TextSchema.nullable(),
    /** What a reasoning model thought apart from its answer (absent in files from before it was kept). */
    reasoning: TextSchema.nullable().optional(),
    selected: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .strict();
export type ArchivedMessage = z.infer<typeof ArchivedMessageSchema>;

export const ArchivedConversationSchema = z
  .object({
    id: IdSchema,
    personaId: IdSchema,
    title: z.string().max(500),
    createdAt: z.number(),
    updatedAt: z.number(),
    messages: z.array(ArchivedMessageSchema).max(100_000),
  })
  .strict()
  .superRefine((conversation, ctx) => {
    const bySeq = new Map<string, number>();
    const seqs = new Set<number>();
    for (const [i, m] of conversation.messages.entries()) {
      if (bySeq.has(m.id)) ctx.addIssue({ code: 'custom', path: ['messages', i, 'id'], message: `message ${m.id} appears twice` });
      if (seqs.has(m.seq)) ctx.addIssue({ code: 'custom', path: ['messages', i, 'seq'], message: `seq ${m.seq} appears twice` });
      bySeq.set(m.id, m.seq);
      seqs.add(m.seq);
    }
    for (const [i, m] of conversation.messages.entries()) {
      if (m.parentId === null) continue;
      const parentSeq = bySeq.get(m.parentId);
      if (parentSeq === undefined || parentSeq >= m.seq) {
        ctx.addIssue({ code: 'custom', path: ['messages', i, 'parentId'], message: `parent ${m.parentId} is not an earlier message of this conversation` });
      }
    }
  });
export type ArchivedConversation = z.infer<typeof ArchivedConversationSchema>;

export const ArchivedPersonaSchema = z
  .object({
    id: IdSchema,
    name: z.string().trim().min(1).max(200),
    systemPrompt: z.string().max(100_000),
    hintMode: HintModeSchema,
    ...PersonaParametersSchema.shape,
  })
  .strict();
export type ArchivedPersona = z.infer<typeof ArchivedPersonaSchema>;

export const ConversationArchiveSchema = z
  .object({
    format: z.literal(ARCHIVE_FORMAT),
    version: z.literal(1),
    exportedAt: z.number(),
    personas: z.array(ArchivedPersonaSchema).max(10_000),
    conversations: z.array(ArchivedConversationSchema).max(100_000),
  })
  .strict()
  .superRefine((archive, ctx) => {
    const personas = new Set(archive.personas.map((p) => p.id));
    const conversations = new Set<string>();
    const messages = new Set<string>();
    for (const [i, c] of archive.conversations.entries()) {
      if (!personas.has(c.personaId)) ctx.addIssue({ code: 'custom', path: ['conversations', i, 'personaId'], message: `persona ${c.personaId} is not in the file` });
      if (conversations.has(c.id)) ctx.addIssue({ code: 'custom', path: ['conversations', i, 'id'], message: `conversation ${c.id} appears twice` });
      conversations.add(c.id);
      for (const m of c.messages) {
        if (messages.has(m.id)) ctx.addIssue({ code: 'custom', path: ['conversations', i], message: `message ${m.id} appears in two conversations` });
        messages.add(m.id);
      }
    }
  });
export type ConversationArchive = z.infer<typeof ConversationArchiveSchema>;

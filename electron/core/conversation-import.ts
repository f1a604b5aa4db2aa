import { z } from 'zod';
import { ConversationArchiveSchema } from '../../shared/conversation-archive';
import type { AppStore } from '../store/app-store';
import { CoreError } from './core-error';

export interface ImportResult {
  /** Conversations added (or brought back: one deleted here returns with the messages it had). */
  imported: number;
  /** Conversations already here (same id): left as they are. */
  skipped: number;
  /** Personas added for the imported conversations. */
  personasCreated: number;
  messages: number;
}

/**
 * Imports an archive file (see shared/conversation-archive.ts). Ids are the keys: a conversation
 * that is already here is skipped, so importing the same file twice adds nothing; one that was
 * deleted here comes back as it was when deleted (its messages never left the store). A file that does
 * not parse or does not validate is refused with the reason, and a failure halfway changes nothing
 * (one transaction).
 */
export function importArchive(store: AppStore, content: string): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new CoreError('bad_request', `This file is not JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const parsed = ConversationArchiveSchema.safeParse(json);
  if (!parsed.success) {
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== 'apprentice.conversations') {
      throw new CoreError('bad_request', 'This is not a conversation export from Apprentice (its "format" is not "apprentice.conversations").');
    }
    throw new CoreError('bad_request', `The file does not hold valid conversations: ${z.prettifyError(parsed.error)}`);
  }
  const archive = parsed.data;
  return store.db.transaction((): ImportResult => {
    const result: ImportResult = { imported: 0, skipped: 0, personasCreated: 0, messages: 0 };
    const restored = archive.conversations.filter((c) => store.archive.has(c.id) && store.conversations.get(c.id) === null);
    const fresh = archive.conversations.filter((c) => {
      if (!store.archive.has(c.id)) return true;
      if (!restored.includes(c)) result.skipped += 1;
      return false;
    });
    const clashes = store.archive.existingMessageIds(fresh.flatMap((c) => c.messages.map((m) => m.id)));
    if (clashes.length > 0) {
      throw new CoreError('conflict', `The file's message ${clashes[0]} already belongs to another conversation here; nothing was imported.`);
    }
    for (const persona of archive.personas) {
      if (![...fresh, ...restored].some((c) => c.personaId === persona.id)) continue;
      if (store.personas.get(persona.id)) continue;
      // A persona deleted here comes back for the conversations imported into it.
      if (store.personas.restore(persona.id)) continue;
      store.personas.create(persona);
      result.personasCreated += 1;
    }
    for (const conversation of restored) {
      // Back under the persona it belonged to here (the file's persona when it was created here).
      store.conversations.restore(conversation.id);
      result.imported += 1;
    }
    for (const conversation of fresh) {
      store.archive.write(conversation);
      result.imported += 1;
      result.messages += conversation.messages.length;
    }
    return result;
  }).immediate();
}

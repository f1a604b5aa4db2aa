import { ARCHIVE_FORMAT, type ArchivedConversation, type ConversationArchive } from '../../shared/conversation-archive';
import type { Persona } from '../../shared/domain';
import type { AppStore } from '../store/app-store';
import { CoreError, notFound } from './core-error';

export interface ExportScope {
  /** One conversation; else every conversation of `personaId`; else every conversation there is. */
  conversationId?: string;
  personaId?: string;
}

export interface ExportFile {
  fileName: string;
  mimeType: string;
  content: string;
}

/** The conversations a scope names, with their personas, as the archive file holds them. */
export function archiveOf(store: AppStore, scope: ExportScope, now = Date.now()): ConversationArchive {
  let conversationIds: string[];
  if (scope.conversationId) {
    if (!store.conversations.get(scope.conversationId)) throw notFound('conversation', scope.conversationId);
    conversationIds = [scope.conversationId];
  } else {
    const personas = scope.personaId ? [store.personas.get(scope.personaId) ?? throwError(notFound('persona', scope.personaId))] : store.personas.list();
    conversationIds = personas.flatMap((p) => store.conversations.listForPersona(p.id).map((c) => c.id));
  }
  const conversations = conversationIds.map((id) => store.archive.read(id)).filter((c): c is ArchivedConversation => c !== null);
  const personaIds = [...new Set(conversations.map((c) => c.personaId))];
  const personas = personaIds.map((id) => store.personas.get(id)).filter((p): p is Persona => p !== null);
  return {
    format: ARCHIVE_FORMAT,
    version: 1,
    exportedAt: now,
    personas: personas.map((p) => ({
      id: p.id,
      name: p.name,
      systemPrompt: p.systemPrompt,
      hintMode: p.hintMode,
      model: p.model ?? null,
      temperature: p.temperature ?? null,
      maxTokens: p.maxTokens ?? null,
      learning: p.learning !== false,
    })),
    conversations,
  };
}

/** The archive as the JSON file (every version of every turn; importable). */
export function exportJson(store: AppStore, scope: ExportScope, now = Date.now()): ExportFile {
  const archive = archiveOf(store, scope, now);
  return { fileName: fileName(archive, 'json', now), mimeType: 'application/json', content: `${JSON.stringify(archive, null, 2)}\n` };
}

/** The visible threads as Markdown, for reading (not importable). */
export function exportMarkdown(store: AppStore, scope: ExportScope, now = Date.now()): ExportFile {
  const archive = archiveOf(store, scope, now);
  const personaName = new Map(archive.personas.map((p) => [p.id, p.name]));
  const sections = archive.conversations.map((c) => {
    const thread = store.messages.listThread(c.id);
    const lines = [`# ${c.title || 'Untitled conversation'}`, '', `*${personaName.get(c.personaId) ?? 'Assistant'} · started ${isoDate(c.createdAt)}*`, ''];
    for (const m of thread) {
      const who = m.role === 'user' ? 'You' : (personaName.get(c.personaId) ?? 'Assistant');
      const note = m.editedContent != null ? ' (rewritten by you)' : m.status === 'error' ? ' (failed)' : m.status === 'stopped' ? ' (stopped)' : '';
      lines.push(`**${who}**${note}:`, '', (m.editedContent ?? m.content) || (m.error ? `_${m.error}_` : '_(empty)_'), '');
    }
    return lines.join('\n');
  });
  return { fileName: fileName(archive, 'md', now), mimeType: 'text/markdown', content: `${sections.join('\n---\n\n')}\n` };
}

function fileName(archive: ConversationArchive, extension: string, now: number): string {
  const only = archive.conversations.length === 1 ? archive.conversations[0]!.title : '';
  const slug = only
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `apprentice-${slug || `${archive.conversations.length}-conversations`}-${isoDate(now)}.${extension}`;
}

function isoDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function throwError(error: CoreError): never {
  throw error;
}

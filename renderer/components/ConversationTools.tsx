import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { IMPORT_MAX_CHARS } from '../../shared/ipc/contract';
import { queryKeys } from '../data/query-keys';
import { saveFile } from '../data/save-file';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';

type ExportRequest = { format: 'json' | 'markdown'; conversationId?: string };

/** What the last export or import did, for the sidebar to show under its header. */
export type ToolsOutcome = { kind: 'notice' | 'error'; text: string } | null;

/**
 * Export the open conversation or all of them (Markdown to read, JSON to import), and import JSON
 * back. What happened goes to `onOutcome`.
 */
export function ConversationTools({ conversationId, onOutcome }: { conversationId: string | null; onOutcome: (outcome: ToolsOutcome) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const menu = useRef<HTMLDetailsElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const setNotice = (text: string) => onOutcome({ kind: 'notice', text });
  const fail = (error: unknown) => onOutcome({ kind: 'error', text: describeError(error) });
  const close = () => menu.current?.removeAttribute('open');

  const exportFile = useMutation({
    mutationFn: (request: ExportRequest) => api.invoke('export:conversations', request),
    onSuccess: (file) => {
      saveFile(file);
      setNotice(`Saved ${file.fileName}`);
    },
    onError: fail,
  });
  const importFile = useMutation({
    mutationFn: async (file: File) => {
      const content = await file.text();
      if (content.length > IMPORT_MAX_CHARS) throw new Error(`${file.name} is too large to import (at most ${Math.round(IMPORT_MAX_CHARS / 1e6)} MB).`);
      return api.invoke('import:conversations', { content });
    },
    onSuccess: (result) => {
      const already = result.skipped > 0 ? ` (${result.skipped} already here)` : '';
      setNotice(`Imported ${result.imported} conversation${result.imported === 1 ? '' : 's'}${already}.`);
      void queryClient.invalidateQueries({ queryKey: queryKeys.personas });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversationsAll });
    },
    onError: fail,
  });
  const run = (request: ExportRequest) => {
    close();
    onOutcome(null);
    exportFile.mutate(request);
  };

  return (
    <div className="conversation-tools">
      <details className="menu" ref={menu}>
        <summary className="icon-button" aria-label="Export or import conversations" title="Export or import" data-testid="conversation-tools">
          ⋯
        </summary>
        <div className="menu-items" role="group" aria-label="Export or import">
          {conversationId ? (
            <>
              <button type="button" data-testid="export-conversation-md" onClick={() => run({ format: 'markdown', conversationId })}>
                This conversation as Markdown
              </button>
              <button type="button" data-testid="export-conversation-json" onClick={() => run({ format: 'json', conversationId })}>
                This conversation as JSON
              </button>
            </>
          ) : null}
          <button type="button" data-testid="export-all-md" onClick={() => run({ format: 'markdown' })}>
            All conversations as Markdown
          </button>
          <button type="button" data-testid="export-all-json" onClick={() => run({ format: 'json' })}>
            All conversations as JSON
          </button>
          <button
            type="button"
            data-testid="import-conversations"
            onClick={() => {
              close();
              picker.current?.click();
            }}
          >
            Import conversations (JSON)…
          </button>
        </div>
      </details>
      <input
        ref={picker}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) {
            onOutcome(null);
            importFile.mutate(file);
          }
        }}
      />
    </div>
  );
}


import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { IMPORT_MAX_CHARS } from '../../shared/ipc/contract';
import { queryKeys } from '../data/query-keys';
import { saveFile } from '../data/save-file';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';

type ExportRequest = { format: 'json' | 'markdown'; conversationId?: string };

/** Export the open conversation or all of them (Markdown to read, JSON to import), and import JSON back. */
export function ConversationTools({ conversationId }: { conversationId: string | null }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const menu = useRef<HTMLDetailsElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const close = () => menu.current?.removeAttribute('open');

  const exportFile = useMutation({
    mutationFn: (request: ExportRequest) => api.invoke('export:conversations', request),
    onSuccess: (file) => {
      saveFile(file);
      setNotice(`Saved ${file.fileName}`);
    },
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
    onError: () => setNotice(null),
  });
  const run = (request: ExportRequest) => {
    close();
    importFile.reset();
    exportFile.mutate(request);
  };
  const error = exportFile.error ?? importFile.error;

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
            exportFile.reset();
            importFile.mutate(file);
          }
        }}
      />
      {notice && !error ? (
        <p className="small tools-notice" role="status" data-testid="tools-notice">
          {notice} <Dismiss onClick={() => setNotice(null)} />
        </p>
      ) : null}
      {error ? (
        <p className="inline-error small tools-notice" role="alert" data-testid="tools-error">
          {describeError(error)}{' '}
          <Dismiss
            onClick={() => {
              exportFile.reset();
              importFile.reset();
            }}
          />
        </p>
      ) : null}
    </div>
  );
}

function Dismiss({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="link-button" aria-label="Dismiss" onClick={onClick}>
      ×
    </button>
  );
}

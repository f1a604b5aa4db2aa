import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { HintMode, Persona } from '../../shared/domain';
import { queryKeys } from '../data/query-keys';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { Modal } from './Modal';

/** Create or edit a persona: name, system prompt, and whether hints go out automatically or after review. */
export function PersonaEditor({ persona, onClose, onSaved }: { persona: Persona | null; onClose: () => void; onSaved: (p: Persona) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [name, setName] = useState(persona?.name ?? '');
  const [systemPrompt, setSystemPrompt] = useState(persona?.systemPrompt ?? '');
  const [hintMode, setHintMode] = useState<HintMode>(persona?.hintMode ?? 'auto');

  const save = useMutation({
    mutationFn: () =>
      persona
        ? api.invoke('personas:update', { id: persona.id, name, systemPrompt, hintMode })
        : api.invoke('personas:create', { name, systemPrompt, hintMode }),
    onSuccess: (saved) => {
      // Upsert first: selecting a persona the cached list lacks would be undone as "deleted".
      queryClient.setQueryData<Persona[]>(queryKeys.personas, (list) =>
        list?.some((p) => p.id === saved.id) ? list.map((p) => (p.id === saved.id ? saved : p)) : [...(list ?? []), saved],
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.personas });
      onSaved(saved);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) save.mutate();
  };

  return (
    <Modal title={persona ? `Edit ${persona.name}` : 'New persona'} onClose={onClose} testId="persona-editor">
      <form className="persona-form" onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required data-testid="persona-name" />
        </label>
        <label>
          System prompt
          <textarea
            rows={6}
            value={systemPrompt}
            onChange={(e) => setSystemPrompt(e.target.value)}
            placeholder="How this assistant should behave…"
            data-testid="persona-system-prompt"
          />
        </label>
        <fieldset className="radio-row">
          <legend>Hints from your corrections</legend>
          <label>
            <input type="radio" name="hint-mode" checked={hintMode === 'auto'} onChange={() => setHintMode('auto')} data-testid="persona-hint-auto" />
            send automatically
          </label>
          <label>
            <input type="radio" name="hint-mode" checked={hintMode === 'review'} onChange={() => setHintMode('review')} data-testid="persona-hint-review" />
            let me review them first
          </label>
        </fieldset>
        {save.error ? <p className="inline-error">{describeError(save.error)}</p> : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!name.trim() || save.isPending} data-testid="persona-save">
            {persona ? 'Save' : 'Create persona'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { HintMode, Persona } from '../../shared/domain';
import { useSettings } from '../data/queries';
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
  const [model, setModel] = useState(persona?.model ?? '');
  const [temperature, setTemperature] = useState(persona?.temperature != null ? String(persona.temperature) : '');
  const [maxTokens, setMaxTokens] = useState(persona?.maxTokens != null ? String(persona.maxTokens) : '');
  const [learning, setLearning] = useState(persona?.learning !== false);
  const settings = useSettings();
  const defaults = settings.data?.policy;
  // Empty fields use the policy settings.
  const parameters = {
    model: model.trim() || null,
    temperature: temperature.trim() === '' ? null : Number(temperature),
    maxTokens: maxTokens.trim() === '' ? null : Number(maxTokens),
    learning,
  };

  const save = useMutation({
    mutationFn: () =>
      persona
        ? api.invoke('personas:update', { id: persona.id, name, systemPrompt, hintMode, ...parameters })
        : api.invoke('personas:create', { name, systemPrompt, hintMode, ...parameters }),
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
        <fieldset className="persona-parameters">
          <legend>Replies</legend>
          <label>
            Model
            <input
              value={model}
              onChange={(e) => setModel(e.target.value)}
              maxLength={500}
              placeholder={defaults ? `default: ${defaults.model}` : 'default'}
              data-testid="persona-model"
            />
          </label>
          <label>
            Temperature
            <input
              type="number"
              min={0}
              max={2}
              step={0.1}
              value={temperature}
              onChange={(e) => setTemperature(e.target.value)}
              placeholder={defaults ? `default: ${defaults.temperature}` : 'default'}
              data-testid="persona-temperature"
            />
          </label>
          <label>
            Max tokens
            <input
              type="number"
              min={1}
              max={1_000_000}
              step={1}
              value={maxTokens}
              onChange={(e) => setMaxTokens(e.target.value)}
              placeholder={defaults ? `default: ${defaults.maxTokens}` : 'default'}
              data-testid="persona-max-tokens"
            />
          </label>
        </fieldset>
        <label className="checkbox-row">
          <input type="checkbox" checked={learning} onChange={(e) => setLearning(e.target.checked)} data-testid="persona-learning" />
          Learn from my feedback — send this persona’s signals to the GPU box to train it
        </label>
        {!learning ? (
          <p className="muted small">Learning is off: your feedback is still read and shown, but nothing of this persona’s chats is sent to train.</p>
        ) : null}
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

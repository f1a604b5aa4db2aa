/**
 * The model to ask for, chosen from what the server lists (`/v1/models`): servers such as vLLM and
 * Ollama reject names they do not serve, so there is no free-text guess. Empty = the first listed.
 */
export function ModelPicker({
  value,
  models,
  onChange,
  testId,
}: {
  value: string;
  models: readonly string[];
  onChange: (model: string) => void;
  testId?: string;
}) {
  const options = [...new Set([...models, ...(value ? [value] : [])])];
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">{models.length > 0 ? `first listed (${models[0]})` : 'first model the server lists'}</option>
      {options.map((model) => (
        <option key={model} value={model}>
          {model}
          {models.length > 0 && !models.includes(model) ? ' (not listed by the server)' : ''}
        </option>
      ))}
    </select>
  );
}

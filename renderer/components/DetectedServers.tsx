import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { InvokeResponse } from '../../shared/ipc/contract';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { ModelPicker } from './ModelPicker';

export type DetectedServer = InvokeResponse<'setup:detectServers'>['servers'][number];

/** What the user picked: the server, the model and (for servers started with --api-key) the key. */
export interface PickedServer {
  endpoint: string;
  model: string;
  apiKey: string;
  models: string[];
}

/**
 * Model servers found on this machine (Ollama, LM Studio, vLLM, SGLang, llama.cpp at their default
 * ports). One that needs an API key asks for it and checks it before it can be picked.
 */
export function DetectedServers({ onPick, busy, pickLabel }: { onPick: (picked: PickedServer) => void; busy: boolean; pickLabel: string }) {
  const api = useApi();
  const detect = useQuery({
    queryKey: ['setup', 'detect-servers'],
    queryFn: () => api.invoke('setup:detectServers', {}),
    staleTime: 0,
    gcTime: 0,
  });
  const servers = detect.data?.servers ?? [];
  return (
    <div className="detected-servers" data-testid="detected-servers">
      {detect.isFetching ? <p className="muted small">Looking for model servers on this computer…</p> : null}
      {detect.error ? <p className="inline-error small">{describeError(detect.error)}</p> : null}
      {!detect.isFetching && detect.data && servers.length === 0 ? (
        <p className="muted small" data-testid="detected-none">
          None found on the usual ports (Ollama 11434, LM Studio 1234, vLLM 8000, SGLang 30000, llama.cpp 8080).
        </p>
      ) : null}
      <ul className="server-list">
        {servers.map((server) => (
          <DetectedServerRow key={server.endpoint} server={server} onPick={onPick} busy={busy} pickLabel={pickLabel} />
        ))}
      </ul>
      <button type="button" className="link-button" onClick={() => void detect.refetch()} disabled={detect.isFetching} data-testid="detect-again">
        Look again
      </button>
    </div>
  );
}

function DetectedServerRow({
  server,
  onPick,
  busy,
  pickLabel,
}: {
  server: DetectedServer;
  onPick: (picked: PickedServer) => void;
  busy: boolean;
  pickLabel: string;
}) {
  const api = useApi();
  const [model, setModel] = useState(server.models[0] ?? '');
  const [apiKey, setApiKey] = useState('');
  // A server behind a key lists its models only once the key is right.
  const unlock = useMutation({ mutationFn: () => api.invoke('endpoint:test', { endpoint: server.endpoint, apiKey }) });
  const models = unlock.data?.ok ? unlock.data.models : server.models;
  const chosen = model || models[0] || '';

  const pick = async () => {
    if (server.needsKey) {
      const result = await unlock.mutateAsync();
      if (!result.ok) return;
      onPick({ endpoint: server.endpoint, model: model || result.models[0] || '', apiKey, models: result.models });
      return;
    }
    onPick({ endpoint: server.endpoint, model: chosen, apiKey: '', models });
  };

  return (
    <li className="server-row" data-testid="detected-server" data-endpoint={server.endpoint}>
      <div className="server-main">
        <strong>{server.name}</strong> <span className="muted small">{server.endpoint}</span>
        <div className="muted small">
          {server.needsKey && !unlock.data?.ok
            ? 'Runs, and needs an API key (it was started with --api-key).'
            : models.length === 0
              ? 'Runs, but lists no models yet.'
              : `Serves ${models.join(', ')}`}
        </div>
        {server.needsKey ? (
          <input
            type="password"
            autoComplete="off"
            placeholder="API key"
            aria-label={`API key for ${server.name}`}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            data-testid="detected-server-key"
          />
        ) : null}
        {models.length > 1 ? <ModelPicker value={model} models={models} onChange={setModel} testId="detected-server-model" /> : null}
        {unlock.data && !unlock.data.ok ? <p className="inline-error small">{unlock.data.detail}</p> : null}
      </div>
      <button
        type="button"
        className="primary"
        disabled={busy || unlock.isPending || (server.needsKey && !apiKey.trim())}
        onClick={() => void pick()}
        data-testid="detected-server-use"
      >
        {pickLabel}
      </button>
    </li>
  );
}

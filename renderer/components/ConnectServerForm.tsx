import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Settings } from '../../shared/domain';
import { connectBox, connectEndpoint } from '../data/model-server';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { ModelPicker } from './ModelPicker';

/**
 * Connects one model server from what is typed: the user's GPU box (URL + token) or any
 * OpenAI-compatible endpoint (URL + API key). *Connect* tests first and saves only what answered.
 */
export function ConnectServerForm({ kind, onConnected }: { kind: 'box' | 'endpoint'; onConnected: (settings: Settings) => void }) {
  const api = useApi();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [model, setModel] = useState('');
  const test = useMutation({
    mutationFn: () =>
      kind === 'box'
        ? api.invoke('box:test', { url: url.trim(), ...(secret.trim() ? { token: secret.trim() } : {}) })
        : api.invoke('endpoint:test', { endpoint: url.trim(), ...(secret.trim() ? { apiKey: secret.trim() } : {}) }),
  });
  const connect = useMutation({
    mutationFn: async () => {
      const result = await test.mutateAsync();
      if (!result.ok) return null;
      const chosen = model || result.models[0] || '';
      return kind === 'box'
        ? connectBox(api, { url: url.trim(), token: secret, model: chosen })
        : connectEndpoint(api, { endpoint: url.trim(), apiKey: secret, model: chosen });
    },
    onSuccess: (saved) => saved && onConnected(saved),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim()) connect.mutate();
  };
  const models = test.data?.ok ? test.data.models : [];
  const prefix = `connect-${kind}`;

  return (
    <form className="connect-form" onSubmit={submit} data-testid={`${prefix}-form`}>
      <label>
        {kind === 'box' ? 'Box URL' : 'Endpoint URL'}
        <input
          type="url"
          required
          placeholder={kind === 'box' ? 'http://gpu-box:8787' : 'http://127.0.0.1:8000/v1'}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          data-testid={`${prefix}-url`}
        />
      </label>
      <label>
        {kind === 'box' ? 'Box token' : 'API key (only if the server needs one)'}
        <input
          type="password"
          autoComplete="off"
          placeholder={kind === 'box' ? 'the token the box printed (16 characters or more)' : 'e.g. the --api-key the server was started with'}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          data-testid={`${prefix}-secret`}
        />
      </label>
      {models.length > 0 ? (
        <label>
          Model
          <ModelPicker value={model} models={models} onChange={setModel} testId={`${prefix}-model`} />
        </label>
      ) : null}
      {test.data ? (
        <p className={test.data.ok ? 'notice small' : 'inline-error small'} data-testid={`${prefix}-result`}>
          {test.data.ok ? '✓ ' : '✗ '}
          {test.data.detail}
        </p>
      ) : null}
      {test.error ?? connect.error ? <p className="inline-error small">{describeError(test.error ?? connect.error)}</p> : null}
      <div className="actions">
        <button type="button" onClick={() => test.mutate()} disabled={!url.trim() || test.isPending} data-testid={`${prefix}-test`}>
          {test.isPending && !connect.isPending ? 'Testing…' : 'Test'}
        </button>
        <button type="submit" className="primary" disabled={!url.trim() || connect.isPending} data-testid={`${prefix}-connect`}>
          {connect.isPending ? 'Connecting…' : 'Connect'}
        </button>
      </div>
    </form>
  );
}

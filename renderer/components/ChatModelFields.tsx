import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { hasSavedKey } from '../data/model-server';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { DetectedServers } from './DetectedServers';
import { ModelPicker } from './ModelPicker';

export const endpointKeysQueryKey = ['settings', 'endpoint-keys'] as const;

export interface ChatModelValues {
  endpoint: string;
  model: string;
  /** Typed, write-only: '' keeps the saved key. */
  apiKey: string;
}

/**
 * Settings' chat model: the endpoint (empty = the box's /v1), its API key, and a model picked from
 * what the server lists. *Test & list models* uses what is typed, not what was saved; with an empty
 * endpoint it asks the box typed above.
 */
export function ChatModelFields({
  values,
  onChange,
  box,
}: {
  values: ChatModelValues;
  onChange: (patch: Partial<ChatModelValues>) => void;
  box: { url: string; token: string };
}) {
  const api = useApi();
  const [showDetected, setShowDetected] = useState(false);
  const keys = useQuery({ queryKey: endpointKeysQueryKey, queryFn: () => api.invoke('settings:endpointKeys', {}) });
  const throughBox = values.endpoint.trim() === '';
  const test = useMutation({
    mutationFn: () =>
      throughBox
        ? api.invoke('box:test', { url: box.url.trim(), ...(box.token.trim() ? { token: box.token.trim() } : {}) })
        : api.invoke('endpoint:test', { endpoint: values.endpoint.trim(), ...(values.apiKey.trim() ? { apiKey: values.apiKey.trim() } : {}) }),
  });
  const forget = useMutation({
    mutationFn: () => api.invoke('settings:setEndpointKey', { endpoint: values.endpoint.trim(), key: null }),
    onSuccess: () => void keys.refetch(),
  });
  const keySaved = hasSavedKey(keys.data?.endpoints, values.endpoint);
  const models = test.data?.ok ? test.data.models : [];

  return (
    <>
      <label>
        Endpoint
        <input
          type="url"
          placeholder="empty = <box URL>/v1 · e.g. http://127.0.0.1:11434/v1"
          data-testid="settings-policy-endpoint"
          value={values.endpoint}
          onChange={(e) => {
            onChange({ endpoint: e.target.value });
            test.reset();
          }}
        />
      </label>
      {!throughBox ? (
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            placeholder={keySaved ? 'key saved for this endpoint — type to replace' : 'only if the server needs one'}
            data-testid="settings-policy-key"
            value={values.apiKey}
            onChange={(e) => onChange({ apiKey: e.target.value })}
          />
        </label>
      ) : null}
      {keySaved && !throughBox ? (
        <div className="row">
          <span className="token-state" data-testid="settings-policy-key-state">
            ✓ key saved for this endpoint
          </span>
          <button type="button" className="link-button" onClick={() => forget.mutate()}>
            Remove key
          </button>
        </div>
      ) : null}
      <label>
        Model
        <ModelPicker value={values.model} models={models} onChange={(model) => onChange({ model })} testId="settings-policy-model" />
      </label>
      <div className="row">
        <button
          type="button"
          onClick={() => test.mutate()}
          disabled={test.isPending || (throughBox && !box.url.trim())}
          data-testid="settings-test-endpoint"
          title={throughBox && !box.url.trim() ? 'Enter an endpoint, or a box URL above' : undefined}
        >
          {test.isPending ? 'Testing…' : 'Test & list models'}
        </button>
        <button type="button" className="link-button" onClick={() => setShowDetected(!showDetected)} data-testid="settings-detect">
          {showDetected ? 'Hide servers on this computer' : 'Find servers on this computer'}
        </button>
      </div>
      {test.data ? (
        <p className={test.data.ok ? 'notice' : 'inline-error'} data-testid="settings-endpoint-result">
          {test.data.ok ? '✓ ' : '✗ '}
          {test.data.detail}
        </p>
      ) : null}
      {test.error ? <p className="inline-error">{describeError(test.error)}</p> : null}
      {showDetected ? (
        <DetectedServers
          pickLabel="Fill in"
          busy={false}
          onPick={(picked) => {
            onChange({ endpoint: picked.endpoint, model: picked.model, apiKey: picked.apiKey });
            setShowDetected(false);
            test.reset();
          }}
        />
      ) : null}
    </>
  );
}

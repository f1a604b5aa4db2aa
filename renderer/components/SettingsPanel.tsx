import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { JudgeModeSchema, SettingsPatchSchema, type JudgeMode, type Settings } from '../../shared/domain';
import { useAppInfo, useSettings } from '../data/queries';
import { queryKeys } from '../data/query-keys';
import { useApi } from '../ipc/api-context';
import { describeError } from '../ipc/ipc-call-error';
import { ChatModelFields, endpointKeysQueryKey } from './ChatModelFields';
import { Modal } from './Modal';

interface Form {
  boxUrl: string;
  policyEndpoint: string;
  policyModel: string;
  temperature: string;
  maxTokens: string;
  judgeMode: JudgeMode;
  judgeEndpoint: string;
  judgeModel: string;
  judgeVotes: string;
}

function formOf(settings: Settings): Form {
  return {
    boxUrl: settings.box.url,
    policyEndpoint: settings.policy.endpoint,
    policyModel: settings.policy.model,
    temperature: String(settings.policy.temperature),
    maxTokens: String(settings.policy.maxTokens),
    judgeMode: settings.judge.mode,
    judgeEndpoint: settings.judge.endpoint,
    judgeModel: settings.judge.model,
    judgeVotes: String(settings.judge.votes),
  };
}

/** Box link, policy endpoint and judge. The token is write-only: it goes in, and only "saved" comes back. */
export function SettingsPanel({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const settings = useSettings();
  const tokenProtection = useAppInfo().data?.tokenProtection;
  const [form, setForm] = useState<Form | null>(null);
  const [token, setToken] = useState('');
  // Typed API key of the policy endpoint; write-only like the token.
  const [policyKey, setPolicyKey] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (settings.data && !form) setForm(formOf(settings.data));
  }, [settings.data, form]);

  const save = useMutation({
    mutationFn: async (f: Form) => {
      const patch = SettingsPatchSchema.safeParse({
        box: { url: f.boxUrl.trim() },
        policy: {
          endpoint: f.policyEndpoint.trim(),
          model: f.policyModel.trim(),
          temperature: Number(f.temperature),
          maxTokens: Number(f.maxTokens),
        },
        judge: { mode: f.judgeMode, endpoint: f.judgeEndpoint.trim(), model: f.judgeModel.trim(), votes: Number(f.judgeVotes) },
      });
      if (!patch.success) {
        const issue = patch.error.issues[0];
        throw new Error(`Check ${issue?.path.join(' ') ?? 'the form'}: ${issue?.message ?? 'invalid value'}`);
      }
      const saved = await api.invoke('settings:update', patch.data);
      // The key is filed under the endpoint as just saved, so it goes to exactly that server.
      if (policyKey.trim() && saved.policy.endpoint) {
        await api.invoke('settings:setEndpointKey', { endpoint: saved.policy.endpoint, key: policyKey.trim() });
      }
      if (token.trim()) {
        const result = await api.invoke('settings:setBoxToken', { token: token.trim() });
        saved.box.hasToken = result.hasToken;
      }
      return saved;
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.settings, saved);
      void queryClient.invalidateQueries({ queryKey: queryKeys.boxStatus });
      setToken('');
      setPolicyKey('');
      void queryClient.invalidateQueries({ queryKey: endpointKeysQueryKey });
      setForm(formOf(saved));
      setMessage({ kind: 'ok', text: 'Settings saved.' });
    },
    onError: (error) => setMessage({ kind: 'error', text: describeError(error) }),
  });

  const removeToken = useMutation({
    mutationFn: () => api.invoke('settings:setBoxToken', { token: null }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings });
      setMessage({ kind: 'ok', text: 'Token removed.' });
    },
    onError: (error) => setMessage({ kind: 'error', text: describeError(error) }),
  });

  // Tests the box as typed (URL and token), before anything is saved.
  const test = useMutation({
    mutationFn: (typed: { url: string; token: string }) =>
      api.invoke('box:test', { url: typed.url.trim(), ...(typed.token.trim() ? { token: typed.token.trim() } : {}) }),
    onError: (error) => setMessage({ kind: 'error', text: describeError(error) }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form) save.mutate(form);
  };
  const field = (key: keyof Form) => ({
    value: form?.[key] ?? '',
    onChange: (e: { target: { value: string } }) => form && setForm({ ...form, [key]: e.target.value }),
  });
  const hasToken = settings.data?.box.hasToken ?? false;
  // The core removes the saved token when the box address changes (it belongs to the old box).
  const boxMoves = hasToken && form !== null && form.boxUrl.trim().replace(/\/+$/, '') !== (settings.data?.box.url ?? '');

  return (
    <Modal title="Settings" onClose={onClose} testId="settings-panel">
      {settings.error ? <p className="inline-error">{describeError(settings.error)}</p> : null}
      {!form ? (
        <p className="muted">Loading…</p>
      ) : (
        <form className="settings-form" onSubmit={submit}>
          <fieldset>
            <legend>GPU box</legend>
            <label>
              Box URL
              <input type="url" placeholder="http://gpu-box:8787" data-testid="settings-box-url" {...field('boxUrl')} />
            </label>
            <label>
              Access token
              <input
                type="password"
                autoComplete="off"
                placeholder={hasToken ? 'token saved — type to replace' : 'paste the token the box printed'}
                data-testid="settings-box-token"
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
            </label>
            <div className="row">
              <span className="token-state" data-testid="settings-token-state">
                {hasToken ? '✓ token saved' : 'no token saved'}
              </span>
              {hasToken ? (
                <button type="button" className="link-button" onClick={() => removeToken.mutate()}>
                  Remove token
                </button>
              ) : null}
              <button
                type="button"
                onClick={() => test.mutate({ url: form.boxUrl, token })}
                disabled={test.isPending || !form.boxUrl.trim()}
                data-testid="settings-test"
              >
                {test.isPending ? 'Testing…' : 'Test connection'}
              </button>
            </div>
            {tokenProtection && !tokenProtection.protectedByKeychain ? (
              <p className="muted" data-testid="settings-token-protection">
                {tokenProtection.detail}
              </p>
            ) : null}
            {boxMoves && !token.trim() ? (
              <p className="muted" data-testid="settings-token-rebind">
                Saving a new box address removes the token saved for the old box: paste the new box’s token too.
              </p>
            ) : null}
            {test.data ? (
              <p className={test.data.ok ? 'notice' : 'inline-error'} data-testid="settings-test-result">
                {test.data.ok ? '✓ ' : '✗ '}
                {test.data.detail}
              </p>
            ) : null}
            <p className="muted small">Learning needs the box; chat works without it through any endpoint below.</p>
          </fieldset>
          <fieldset>
            <legend>Chat model</legend>
            <ChatModelFields
              values={{ endpoint: form.policyEndpoint, model: form.policyModel, apiKey: policyKey }}
              box={{ url: form.boxUrl, token }}
              onChange={(patch) => {
                if (patch.apiKey !== undefined) setPolicyKey(patch.apiKey);
                setForm({
                  ...form,
                  ...(patch.endpoint !== undefined ? { policyEndpoint: patch.endpoint } : {}),
                  ...(patch.model !== undefined ? { policyModel: patch.model } : {}),
                });
              }}
            />
            <div className="row">
              <label className="narrow">
                Temperature
                <input type="number" step="0.1" min="0" max="2" {...field('temperature')} />
              </label>
              <label className="narrow">
                Max tokens
                <input type="number" min="1" {...field('maxTokens')} />
              </label>
            </div>
          </fieldset>
          <fieldset>
            <legend>Judge</legend>
            <div className="row">
              <label className="narrow">
                Mode
                <select
                  value={form.judgeMode}
                  onChange={(e) => setForm({ ...form, judgeMode: JudgeModeSchema.catch('off').parse(e.target.value) })}
                >
                  <option value="off">off (heuristics)</option>
                  <option value="uncertain">when unsure</option>
                  <option value="always">always</option>
                </select>
              </label>
              <label className="narrow">
                Votes
                <input type="number" min="1" max="15" {...field('judgeVotes')} />
              </label>
            </div>
            <label>
              Endpoint
              <input type="url" placeholder="empty = the box's judge decides (no box: the policy endpoint)" {...field('judgeEndpoint')} />
            </label>
            <label>
              Model
              <input {...field('judgeModel')} />
            </label>
          </fieldset>
          {message ? (
            <p className={message.kind === 'ok' ? 'notice' : 'inline-error'} role="status" data-testid="settings-message">
              {message.text}
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="primary" disabled={save.isPending} data-testid="settings-save">
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

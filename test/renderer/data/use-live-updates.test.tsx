// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprenticeApi, EventName, EventPayload } from '../../../shared/ipc/contract';
import { ApiProvider } from '../../../renderer/ipc/api-context';
import { useLiveUpdates } from '../../../renderer/data/use-live-updates';
import { queryKeys } from '../../../renderer/data/query-keys';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** An api whose events the test pushes; invoke is never called by the hook. */
function pushableApi() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const api: ApprenticeApi = {
    invoke: () => Promise.reject(new Error('not used')),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  const push = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return { api, push };
}

function LiveUpdates() {
  useLiveUpdates();
  return null;
}

let container: HTMLElement;
let root: Root;
let client: QueryClient;
let push: ReturnType<typeof pushableApi>['push'];

beforeEach(async () => {
  const pushable = pushableApi();
  push = pushable.push;
  client = new QueryClient();
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () =>
    root.render(
      <QueryClientProvider client={client}>
        <ApiProvider handle={{ api: pushable.api, mode: 'browser', connection: null }}>
          <LiveUpdates />
        </ApiProvider>
      </QueryClientProvider>,
    ),
  );
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  client.clear();
});

const invalidated = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated ?? null;
const coalesced = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('useLiveUpdates', () => {
  it("refreshes a persona's Learning tab within a second when its samples were sent or stored, and no other persona's", async () => {
    for (const persona of ['p1', 'p2']) {
      client.setQueryData(queryKeys.learningSummary(persona), { persona });
      client.setQueryData(queryKeys.learningSignals(persona), []);
    }
    expect(invalidated(queryKeys.learningSignals('p1'))).toBe(false);

    push('learning:changed', { personaId: 'p1' });
    await coalesced();
    // Deliveries come in bursts while a backlog drains: one refresh a second at most.
    push('learning:changed', { personaId: 'p1' });
    expect(invalidated(queryKeys.learningSignals('p1'))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 900));

    expect(invalidated(queryKeys.learningSummary('p1'))).toBe(true);
    expect(invalidated(queryKeys.learningSignals('p1'))).toBe(true);
    expect(invalidated(queryKeys.learningSignals('p2'))).toBe(false);
    expect(invalidated(queryKeys.learningSummary('p2'))).toBe(false);
  });

  it('refreshes the Learning tab and hints on a timeline event, and leaves the thread cache alone', async () => {
    client.setQueryData(queryKeys.learningSignals('p1'), []);
    client.setQueryData(queryKeys.hints('p1', 'pending'), []);
    client.setQueryData(queryKeys.messages('c1'), { messages: [] });
    push('timeline:appended', { seq: 1, id: 'e1', personaId: 'p1', kind: 'hint', sampleId: null, messageId: null, summary: 's', data: {}, createdAt: 1 });
    await coalesced();

    expect(invalidated(queryKeys.learningSignals('p1'))).toBe(true);
    expect(invalidated(queryKeys.hints('p1', 'pending'))).toBe(true);
    expect(invalidated(queryKeys.messages('c1'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ServedModels } from '../../../electron/policy/served-models';

/** A /v1/models endpoint that counts its requests and can be made to wait or to serve nothing. */
function modelsServer(models: string[]) {
  const asked: string[] = [];
  let release: (() => void) | null = null;
  let hold = false;
  const fetch = (async (url: string | URL, init?: RequestInit) => {
    asked.push(`${String(url)} ${(init?.headers as Record<string, string> | undefined)?.authorization ?? ''}`.trim());
    if (hold) await new Promise<void>((resolve) => (release = resolve));
    return new Response(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model' })) }), { status: 200 });
  }) as typeof globalThis.fetch;
  return {
    fetch,
    asked,
    models,
    hold: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

const request = (fetch: typeof globalThis.fetch, extra: { endpoint?: string; apiKey?: string | null; signal?: AbortSignal } = {}) => ({
  endpoint: extra.endpoint ?? 'http://box/v1',
  apiKey: extra.apiKey ?? null,
  credential: 'api_key' as const,
  fetch,
  signal: extra.signal,
});

describe('ServedModels', () => {
  it('asks a server for its models once, then answers from memory, per endpoint and key', async () => {
    const server = modelsServer(['qwen3-4b', 'other']);
    const served = new ServedModels();
    expect(await served.modelFor(request(server.fetch))).toBe('qwen3-4b');
    expect(await served.modelFor(request(server.fetch))).toBe('qwen3-4b');
    expect(server.asked).toEqual(['http://box/v1/models']);
    expect(await served.modelFor(request(server.fetch, { apiKey: 'k' }))).toBe('qwen3-4b');
    expect(await served.modelFor(request(server.fetch, { endpoint: 'http://other/v1' }))).toBe('qwen3-4b');
    expect(server.asked).toEqual(['http://box/v1/models', 'http://box/v1/models Bearer k', 'http://other/v1/models']);
  });

  it('asks again after a failure was reported for that endpoint, or once it has remembered long enough', async () => {
    const server = modelsServer(['a']);
    let now = 1_000;
    const served = new ServedModels(60_000, () => now);
    await served.modelFor(request(server.fetch));
    await served.modelFor(request(server.fetch, { endpoint: 'http://other/v1' }));
    server.models[0] = 'b';
    served.forget('http://box/v1');
    expect(await served.modelFor(request(server.fetch))).toBe('b');
    // The other endpoint was not forgotten…
    expect(await served.modelFor(request(server.fetch, { endpoint: 'http://other/v1' }))).toBe('a');
    // …until its minute is up.
    now += 60_000;
    expect(await served.modelFor(request(server.fetch, { endpoint: 'http://other/v1' }))).toBe('b');
    expect(server.asked).toHaveLength(4);
  });

  it('shares one request among callers that arrive while it runs; a caller that gives up does not fail the others', async () => {
    const server = modelsServer(['a']);
    server.hold();
    const served = new ServedModels();
    const stop = new AbortController();
    const first = served.modelFor(request(server.fetch, { signal: stop.signal }));
    const second = served.modelFor(request(server.fetch));
    stop.abort(new Error('stopped by the user'));
    await expect(first).rejects.toThrow('stopped by the user');
    server.release();
    expect(await second).toBe('a');
    expect(server.asked).toHaveLength(1);
  });

  it('abandons the request when every caller waiting on it has given up', async () => {
    let abandoned: unknown = null;
    const fetch = ((_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          abandoned = init.signal!.reason;
          reject(init.signal!.reason);
        });
      })) as unknown as typeof globalThis.fetch;
    const served = new ServedModels();
    const [one, two] = [new AbortController(), new AbortController()];
    const first = served.modelFor(request(fetch, { signal: one.signal }));
    const second = served.modelFor(request(fetch, { signal: two.signal }));
    one.abort(new Error('first gave up'));
    await expect(first).rejects.toThrow('first gave up');
    expect(abandoned).toBeNull();
    two.abort(new Error('app closing'));
    await expect(second).rejects.toThrow('app closing');
    expect(abandoned).toEqual(new Error('app closing'));
  });

  it('starts a fresh request for a caller that arrives right after everyone gave up on the last one', async () => {
    let calls = 0;
    const fetch = ((_url: string, init?: RequestInit) => {
      calls += 1;
      if (calls > 1) return Promise.resolve(new Response(JSON.stringify({ object: 'list', data: [{ id: 'b', object: 'model' }] })));
      return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }) as unknown as typeof globalThis.fetch;
    const served = new ServedModels();
    const stop = new AbortController();
    const stopped = served.modelFor(request(fetch, { signal: stop.signal }));
    stop.abort(new Error('stopped'));
    // In the same tick, before the abandoned request has even settled.
    const again = served.modelFor(request(fetch));
    await expect(stopped).rejects.toThrow('stopped');
    expect(await again).toBe('b');
    expect(calls).toBe(2);
  });

  it('remembers nothing from a server that lists no models', async () => {
    const server = modelsServer([]);
    const served = new ServedModels();
    await expect(served.modelFor(request(server.fetch))).rejects.toThrow(/serves no models yet/);
    server.models.push('late');
    expect(await served.modelFor(request(server.fetch))).toBe('late');
    expect(server.asked).toHaveLength(2);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyModuleMigrations } from '../../../box/gateway/box-database';
import { sendJson } from '../../../box/gateway/json-body';
import { startGateway, type GatewayPlugin } from '../../../box/gateway/server';
import { startSglangTestEngine } from '../../support/sglang-test-engine';
import { TEST_TOKEN, authHeaders, startGatewayFixture, type GatewayFixture } from './gateway-fixture';

let fixture: GatewayFixture | null = null;

afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

describe('gateway extension point', () => {
  it('lets a plugin add guarded and public routes, its own tables, and a close step', async () => {
    const events: string[] = [];
    const plugin: GatewayPlugin = (gateway) => {
      applyModuleMigrations(gateway.db, 'test-plugin', [{ version: 1, sql: 'CREATE TABLE test_plugin_rows (id TEXT PRIMARY KEY)' }]);
      gateway.route('GET', '/v1/extra', (_req, res) => sendJson(res, 200, { extra: true, policyVersion: gateway.policy.version }));
      gateway.route('GET', '/v1/extra/public', (_req, res) => sendJson(res, 200, { open: true }), { public: true });
      gateway.route('POST', '/v1/extra/broken', () => {
        throw new Error('plugin bug');
      });
      return { close: () => void events.push('plugin closed') };
    };
    fixture = await startGatewayFixture({}, { weightVersion: 'pv' }, { plugins: [plugin] });
    const { url } = fixture.gateway;

    expect((await fetch(`${url}/v1/extra`)).status).toBe(401);
    expect(await (await fetch(`${url}/v1/extra`, { headers: authHeaders() })).json()).toEqual({ extra: true, policyVersion: 'pv' });
    expect((await fetch(`${url}/v1/extra/public`)).status).toBe(200);
    const wrongMethod = await fetch(`${url}/v1/extra`, { method: 'DELETE', headers: authHeaders() });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect((await fetch(`${url}/v1/nothing-here`, { headers: authHeaders() })).status).toBe(404);
    expect((await fetch(`${url}/v1/nothing-here`)).status).toBe(401); // no route probing without the token

    const broken = await fetch(`${url}/v1/extra/broken`, { method: 'POST', headers: authHeaders() });
    expect(broken.status).toBe(500);
    expect(await broken.json()).toMatchObject({ error: { type: 'server_error', message: expect.stringContaining('plugin bug') } });
    expect(fixture.logs.some((l) => l.includes('plugin bug'))).toBe(true);

    expect(fixture.gateway.db.prepare("SELECT version FROM schema_migrations WHERE module = 'test-plugin'").get()).toEqual({ version: 1 });
    await fixture.gateway.close();
    expect(events).toEqual(['plugin closed']);
    await expect(startGateway({ sglangUrl: 'not a url', token: TEST_TOKEN, dataDir: fixture!.dataDir })).rejects.toThrow(/sglangUrl/);
    await fixture.restart(); // same data dir: migrations already applied, nothing breaks
  });

  it('fails the start cleanly when a plugin throws, releasing the port', async () => {
    const engine = await startSglangTestEngine();
    const dataDir = mkdtempSync(join(tmpdir(), 'apprentice-box-'));
    try {
      const failing: GatewayPlugin = () => {
        throw new Error('bad training settings');
      };
      await expect(
        startGateway({ sglangUrl: engine.url, token: TEST_TOKEN, dataDir, port: 0 }, { plugins: [failing], log: () => undefined }),
      ).rejects.toThrow('bad training settings');
      // The data dir is usable again right away: the failed gateway closed its database.
      const gateway = await startGateway({ sglangUrl: engine.url, token: TEST_TOKEN, dataDir, port: 0 }, { log: () => undefined });
      await gateway.close();
    } finally {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('learns the policy version on the first chat when SGLang was down at start', async () => {
    const probe = await startSglangTestEngine();
    const port = probe.port;
    await probe.close();
    const dataDir = mkdtempSync(join(tmpdir(), 'apprentice-box-'));
    const logs: string[] = [];
    const gateway = await startGateway({ sglangUrl: `http://127.0.0.1:${port}`, token: TEST_TOKEN, dataDir, port: 0 }, { log: (_l, m) => logs.push(m) });
    const engine = await startSglangTestEngine({ port, weightVersion: 'late-v1' });
    try {
      expect(gateway.policy.version).toBeNull();
      expect(logs.some((l) => l.includes('weight version'))).toBe(true);
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: authHeaders(),
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-apprentice-policy-version')).toBe('late-v1');
      expect(gateway.policy.version).toBe('late-v1');
    } finally {
      await gateway.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

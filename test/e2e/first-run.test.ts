import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { startReadyProcess, type ReadyProcess } from './support/child-process';

/**
 * A new user's first five minutes, in real parts: `npm start` (scripts/start.mjs, browser mode here,
 * with its native-module check) on a fresh data dir, the SGLang test engine where SGLang listens by
 * default (127.0.0.1:30000), and real Chromium. The welcome's probe uses the app's real default
 * port list; only when port 30000 is taken by another process on this machine does the engine take
 * a free port and the probe get that one port (APPRENTICE_LOCAL_SERVER_PORTS, for tests only).
 */

const repo = resolve(import.meta.dirname, '..', '..');
const screenshots = join(repo, 'test-results', 'screenshots');
const SGLANG_DEFAULT_PORT = 30000;
const REPLY = 'Hello! This answer comes from the SGLang test engine.';
const API_KEY = 'sk-local-test-key-0123';

const temp = mkdtempSync(join(tmpdir(), 'apprentice-first-run-'));
let context: BrowserContext | null = null;
const running = new Set<ReadyProcess>();
const pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(repo, 'out', 'renderer', 'index.html'))) {
    throw new Error('out/renderer/index.html is missing: run `npm run build` first (npm test does).');
  }
  mkdirSync(screenshots, { recursive: true });
  context = await launchChromium(join(temp, 'chromium-profile'));
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  for (const process of [...running].reverse()) await process.stop();
  rmSync(temp, { recursive: true, force: true });
}, 60_000);

async function start(options: Parameters<typeof startReadyProcess>[0]): Promise<ReadyProcess> {
  const process = await startReadyProcess(options);
  running.add(process);
  return process;
}

async function stop(process: ReadyProcess): Promise<void> {
  await process.stop();
  running.delete(process);
}

/** The test engine on SGLang's default port, or on a free one (with the probe told so) when that is taken. */
async function startEngine(args: string[]): Promise<{ engine: ReadyProcess; endpoint: string; probePorts: string | null }> {
  const launch = (port: number) =>
    start({
      name: 'SGLang test engine',
      script: 'test/support/sglang-test-engine-cli.ts',
      args: ['--port', String(port), '--reply', REPLY, '--token-latency-ms', '5', '--exit-on-stdin-close', ...args],
      ready: /SGLang test engine ready at (http:\/\/\S+)/,
      cwd: repo,
    });
  try {
    const engine = await launch(SGLANG_DEFAULT_PORT);
    return { engine, endpoint: `${engine.match[1]!}/v1`, probePorts: null };
  } catch (error) {
    if (!String(error).includes('EADDRINUSE')) throw error;
    const engine = await launch(0);
    return { engine, endpoint: `${engine.match[1]!}/v1`, probePorts: new URL(engine.match[1]!).port };
  }
}

/** `npm start` on a fresh data dir: here (no Electron binary) that is browser mode. */
async function startApp(name: string, probePorts: string | null): Promise<{ app: ReadyProcess; page: Page }> {
  const app = await start({
    name: `npm start (${name})`,
    script: 'scripts/start.mjs',
    args: ['--browser', '--port', '0', '--data-dir', join(temp, name)],
    ready: /Apprentice \(browser mode\) ready at (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/,
    cwd: repo,
    env: probePorts ? { APPRENTICE_LOCAL_SERVER_PORTS: probePorts } : {},
  });
  const page = await context!.newPage();
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}`);
  });
  await page.goto(app.match[1]!);
  return { app, page };
}

function poll<T>(read: () => T | Promise<T>, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

function assistant(page: Page, index: number): Locator {
  return page.locator('[data-testid="message"][data-role="assistant"]').nth(index);
}

async function send(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
}

describe('first run (npm start, fresh data dir, real Chromium)', () => {
  it('the first message with nothing configured shows the clear error in place; then an endpoint answers', async () => {
    const { engine, endpoint } = await startEngine([]);
    const { app, page } = await startApp('nothing-configured', null);
    try {
      await page.getByTestId('welcome').waitFor();
      await page.getByTestId('welcome-skip').click();
      await page.getByTestId('start-conversation').click();
      await send(page, 'hello');

      // The failure lands in place at once: no spinner, no Stop that does nothing, Send usable again.
      const first = assistant(page, 0);
      await poll(() => first.getAttribute('data-status'), 15_000).toBe('error');
      expect(await first.getByTestId('message-error').textContent()).toMatch(/^No model server is connected yet: open Settings/);
      expect(await page.getByTestId('streaming-caret').count()).toBe(0);
      expect(await page.getByTestId('stop-button').count()).toBe(0);
      await page.getByTestId('composer-input').fill('still typing');
      expect(await page.getByTestId('send-button').isEnabled()).toBe(true);

      // Configure an endpoint in Settings: the test and the model picker use what is typed.
      await page.getByTestId('open-settings').click();
      await page.getByTestId('settings-policy-endpoint').fill(endpoint);
      await page.getByTestId('settings-test-endpoint').click();
      await poll(() => page.getByTestId('settings-endpoint-result').textContent()).toMatch(/^✓ .* answers and serves /);
      const picker = page.getByTestId('settings-policy-model');
      const served = (await picker.locator('option').allTextContents()).filter((o) => !o.startsWith('first listed'));
      expect(served).toHaveLength(1);
      await picker.selectOption(served[0]!);
      await page.screenshot({ path: join(screenshots, 'first-run-settings.png') });
      await page.getByTestId('settings-save').click();
      await poll(() => page.getByTestId('settings-message').textContent()).toBe('Settings saved.');
      await page.keyboard.press('Escape');

      await send(page, 'hello again');
      const second = assistant(page, 1);
      await poll(() => second.getAttribute('data-status'), 60_000).toBe('complete');
      expect(await second.getByTestId('message-content').textContent()).toBe(REPLY);
      // The first failure stays where it was.
      expect(await first.getAttribute('data-status')).toBe('error');
    } finally {
      await page.close();
      await stop(app);
      await stop(engine);
    }
  }, 240_000);

  it('welcome → the SGLang engine found on this computer → the first message answers', async () => {
    const { engine, endpoint, probePorts } = await startEngine([]);
    const { app, page } = await startApp('detected-engine', probePorts);
    try {
      await page.getByTestId('welcome').waitFor();
      expect(await page.getByTestId('welcome').textContent()).toMatch(/Learning needs your GPU box/);
      const found = page.locator(`[data-testid="detected-server"][data-endpoint="${endpoint}"]`);
      await found.waitFor({ timeout: 30_000 });
      expect(await found.textContent()).toMatch(probePorts ? /Serves / : /SGLang.*Serves /);
      await page.screenshot({ path: join(screenshots, 'first-run-welcome.png') });

      await found.getByTestId('detected-server-use').click();
      // Connected: a conversation opens with the composer ready.
      await page.getByTestId('composer-input').waitFor();
      await send(page, 'hello');
      const reply = assistant(page, 0);
      await poll(() => reply.getAttribute('data-status'), 60_000).toBe('complete');
      expect(await reply.getByTestId('message-content').textContent()).toBe(REPLY);
      await page.screenshot({ path: join(screenshots, 'first-run-first-reply.png') });
      expect(pageProblems).toEqual([]);
    } finally {
      await page.close();
      await stop(app);
      await stop(engine);
    }
  }, 240_000);

  it('the same flow through a server that requires an API key', async () => {
    const { engine, endpoint, probePorts } = await startEngine(['--api-key', API_KEY]);
    const { app, page } = await startApp('api-key-engine', probePorts);
    try {
      const found = page.locator(`[data-testid="detected-server"][data-endpoint="${endpoint}"]`);
      await found.waitFor({ timeout: 30_000 });
      expect(await found.textContent()).toMatch(/needs an API key/);
      // A wrong key is refused by name, and nothing is saved.
      await found.getByTestId('detected-server-key').fill('sk-wrong');
      await found.getByTestId('detected-server-use').click();
      await poll(() => found.textContent()).toMatch(/The server refused the API key/);
      expect(await page.getByTestId('welcome').count()).toBe(1);

      await found.getByTestId('detected-server-key').fill(API_KEY);
      await found.getByTestId('detected-server-use').click();
      await page.getByTestId('composer-input').waitFor();
      await send(page, 'hello');
      const reply = assistant(page, 0);
      await poll(() => reply.getAttribute('data-status'), 60_000).toBe('complete');
      expect(await reply.getByTestId('message-content').textContent()).toBe(REPLY);

      // Settings show the key as saved for this endpoint, never the key itself.
      await page.getByTestId('open-settings').click();
      expect(await page.getByTestId('settings-policy-endpoint').inputValue()).toBe(endpoint);
      await poll(() => page.getByTestId('settings-policy-key-state').count()).toBe(1);
      expect(await page.getByTestId('settings-policy-key').inputValue()).toBe('');
      expect(await page.content()).not.toContain(API_KEY);
      expect(pageProblems).toEqual([]);
    } finally {
      await page.close();
      await stop(app);
      await stop(engine);
    }
  }, 240_000);
});

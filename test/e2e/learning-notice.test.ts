import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINER_WEIGHTS_PATH, type TrainerWeights } from '../../shared/protocol/trainer-api';
import { startBrowserMode } from './support/browser-mode-process';
import { openWatchedPage } from './support/chromium';
import { startReadyProcess, type ReadyProcess } from './support/child-process';

/**
 * A message sent while the box trains a step: the real box gateway (as a process) holds the request,
 * and the real UI shows "Learning… replies resume in ~N s" under the waiting reply instead of an
 * error, then the reply streams in once the trainer says the new weights are live.
 */

const repo = resolve(import.meta.dirname, '..', '..');
const BOX_TOKEN = 'e2e-box-token-learning-0123';
const REPLY = 'Back with fresh weights.';

const temp = mkdtempSync(join(tmpdir(), 'apprentice-e2e-learning-'));
const processes: ReadyProcess[] = [];
let context: BrowserContext | null = null;
let page: Page;
let boxUrl: string;

beforeAll(async () => {
  if (!existsSync(join(repo, 'out', 'renderer', 'index.html'))) {
    throw new Error('out/renderer/index.html is missing: run `npm run build` first (npm test does).');
  }
  const engine = await startReadyProcess({
    name: 'SGLang test engine',
    script: 'test/support/sglang-test-engine-cli.ts',
    args: ['--port', '0', '--reply', REPLY, '--exit-on-stdin-close'],
    ready: /SGLang test engine ready at (http:\/\/\S+)/,
    cwd: repo,
  });
  processes.push(engine);
  const box = await startReadyProcess({
    name: 'box gateway',
    script: 'box/main.ts',
    args: ['--sglang', engine.match[1]!, '--port', '0', '--token', BOX_TOKEN, '--data-dir', join(temp, 'box')],
    ready: /Apprentice box gateway listening on (http:\/\/\S+)/,
    cwd: repo,
  });
  processes.push(box);
  boxUrl = box.match[1]!.replace(/\/$/, '');
  const web = await startBrowserMode(join(temp, 'app'));
  processes.push(web.process);
  ({ context, page } = await openWatchedPage(join(temp, 'chromium-profile'), web.url));
}, 180_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  for (const child of processes.reverse()) await child.stop();
  rmSync(temp, { recursive: true, force: true });
}, 60_000);

function poll<T>(read: () => T | Promise<T>, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

/** What the slime plugin sends around a weight push. */
async function trainer(body: TrainerWeights): Promise<void> {
  const res = await fetch(`${boxUrl}${TRAINER_WEIGHTS_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOX_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

describe('chat while the box learns (browser mode, real box gateway, real Chromium)', () => {
  it('shows "learning… replies resume in ~N s" while a step runs, then the reply', async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-box-url').fill(boxUrl);
    await page.getByTestId('settings-box-token').fill(BOX_TOKEN);
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-token-state').textContent()).toContain('token saved');
    await page.keyboard.press('Escape');
    await page.getByTestId('new-persona').click();
    await page.getByTestId('persona-name').fill('Tutor');
    await page.getByTestId('persona-system-prompt').fill('Be brief.');
    await page.getByTestId('persona-save').click();
    await poll(() => page.getByTestId('persona-row').filter({ hasText: 'Tutor' }).count()).toBe(1);
    await page.getByTestId('new-conversation').click();

    // One step the gateway has timed (about 20 s), then the next one starts.
    await trainer({ state: 'updating', policyVersion: null });
    await new Promise((r) => setTimeout(r, 20_000));
    await trainer({ state: 'ready', policyVersion: '2' });
    await trainer({ state: 'updating', policyVersion: null });

    const input = page.getByTestId('composer-input');
    await input.fill('Are you there?');
    await input.press('Enter');
    const reply = page.locator('[data-testid="message"][data-role="assistant"]').first();
    const notice = reply.getByTestId('learning-notice');
    await poll(() => notice.textContent()).toMatch(/^Learning… replies resume in ~\d+ s$/);
    const seconds = Number(/~(\d+) s/.exec((await notice.textContent()) ?? '')![1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(20);
    expect(await reply.getAttribute('data-status')).toBe('streaming');
    expect(await reply.getByTestId('message-error').count()).toBe(0);

    await trainer({ state: 'ready', policyVersion: '3' });
    await poll(() => reply.getAttribute('data-status'), 60_000).toBe('complete');
    expect(await reply.getByTestId('message-content').textContent()).toContain(REPLY);
    expect(await notice.count()).toBe(0);
  }, 120_000);
});

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startOpenAiStreamServer, type OpenAiStreamServer } from '../../electron/core/openai-stream-server';
import { startBrowserMode } from './browser-mode-process';
import { openWatchedPage } from './chromium';
import type { ReadyProcess } from './child-process';

/**
 * Browser mode (the real core) talking to a scripted OpenAI-compatible policy endpoint, driven by
 * real Chromium: for tests about how replies look, where the box and the trainer play no part.
 * Every page collects CSP violations, page errors and console errors, and records long tasks.
 */
export interface ChatHarness {
  repo: string;
  screenshots: string;
  policy: OpenAiStreamServer;
  context: BrowserContext;
  page: Page;
  appUrl: string;
  /** CSP violations, uncaught errors and console errors seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export const repo = resolve(import.meta.dirname, '..', '..', '..');

export async function startChatHarness(name: string): Promise<ChatHarness> {
  if (!existsSync(join(repo, 'out', 'renderer', 'index.html'))) {
    throw new Error('out/renderer/index.html is missing: run `npm run build` first (npm test does).');
  }
  const temp = mkdtempSync(join(tmpdir(), `apprentice-${name}-`));
  const policy = await startOpenAiStreamServer();
  let web: ReadyProcess | null = null;
  let context: BrowserContext | null = null;
  const close = async () => {
    await context?.close().catch(() => undefined);
    await web?.stop();
    await policy.close();
    rmSync(temp, { recursive: true, force: true });
  };
  try {
    const started = await startBrowserMode(join(temp, 'app'));
    web = started.process;
    const appUrl = started.url;
    const screenshots = join(repo, 'test-results', 'screenshots');
    mkdirSync(screenshots, { recursive: true });
    const watched = await openWatchedPage(join(temp, 'chromium-profile'), appUrl, (browser) =>
      // Init scripts run outside the page's CSP, so they can time the main thread.
      browser.addInitScript(() => {
        const w = window as unknown as { __longTasks: number[] };
        w.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
        }).observe({ type: 'longtask', buffered: true });
      }),
    );
    context = watched.context;
    const { page, problems } = watched;
    return { repo, screenshots, policy, context: watched.context, page, appUrl, problems, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until `check` holds (polled; usable outside a test, e.g. in beforeAll). */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Points chat at the scripted policy endpoint and creates a persona with one conversation. */
export async function setUpPersona(harness: ChatHarness, personaName: string): Promise<void> {
  const { page } = harness;
  await page.getByTestId('open-settings').click();
  await page.getByTestId('settings-policy-endpoint').fill(`${harness.policy.url}/v1`);
  await page.getByTestId('settings-save').click();
  await waitUntil('settings are saved', async () => (await page.getByTestId('settings-message').textContent()) === 'Settings saved.');
  await page.keyboard.press('Escape');
  await page.getByTestId('new-persona').click();
  await page.getByTestId('persona-name').fill(personaName);
  await page.getByTestId('persona-save').click();
  await waitUntil('the persona is listed', async () => (await page.getByTestId('persona-row').filter({ hasText: personaName }).count()) === 1);
}

export async function newConversation(page: Page): Promise<void> {
  // The persona's list must have loaded, or the new row could not be told apart from old ones.
  await waitUntil('the persona is selected', async () => (await page.locator('[data-testid="persona-row"] [aria-current="true"]').count()) === 1);
  await page.getByTestId('new-conversation').click();
  const selected = page.locator('[data-testid="conversation-row"] [aria-current="true"]');
  await waitUntil('the new conversation is open', async () => {
    const title = (await selected.count()) === 1 ? await selected.textContent() : null;
    return title !== null && title.startsWith('New conversation') && (await page.locator('[data-testid="message"]').count()) === 0;
  });
  await waitUntil('the composer shows', async () => (await page.getByTestId('composer-input').count()) === 1);
}

export function assistantMessages(page: Page): Locator {
  return page.locator('[data-testid="message"][data-role="assistant"]');
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
}

/** Splits a reply into stream chunks of `size` characters. */
export function chunked(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

/** Forgets the long tasks seen so far. */
export async function resetLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __longTasks: number[] }).__longTasks.length = 0;
  });
}

export async function readLongTasks(page: Page): Promise<{ longest: number; count: number; total: number }> {
  const tasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
  return { longest: Math.round(Math.max(0, ...tasks)), count: tasks.length, total: Math.round(tasks.reduce((a, b) => a + b, 0)) };
}

/**
 * The text of the last element in the reply's content. Cheap on purpose: a text search over a
 * megabyte of DOM (getByText) would itself hold the main thread while long tasks are measured.
 */
export async function lastRenderedText(page: Page, messageIndex = 0): Promise<string> {
  return page.evaluate((index) => {
    const contents = document.querySelectorAll('[data-testid="message"][data-role="assistant"] [data-testid="message-content"]');
    const content = contents[index];
    const last = content?.lastElementChild;
    // The streaming caret is not text.
    const element = last?.getAttribute('data-testid') === 'streaming-caret' ? last.previousElementSibling : last;
    return element?.textContent ?? '';
  }, messageIndex);
}

import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assistantMessages,
  chunked,
  lastRenderedText,
  newConversation,
  readLongTasks,
  resetLongTasks,
  send,
  setUpPersona,
  startChatHarness,
  type ChatHarness,
} from './support/browser-mode-chat';
import { deeplyNestedList, END_MARKER, longMarkdownReply } from './support/long-markdown';
import { recordMainThreadTasks, type TaskSummary } from './support/main-thread-tasks';

/**
 * Hostile and huge model replies in real Chromium against browser mode (issue 11, items 3 and 4):
 * a reply must never blank the app, and rendering a long reply, streamed or reopened, must never
 * hold the main thread for more than LONGEST_TASK_BUDGET_MS of CPU time at once. (CPU time, read
 * from Chromium's trace: wall time on a shared 2-core machine also counts other processes. The
 * long-task API's wall times are recorded beside it.) Before this was fixed: 3,000 ">" blanked
 * the app for good, a 1,000-level list froze it, a 256 KB reply held it for seconds at a time.
 */
const LONGEST_TASK_BUDGET_MS = 100;

let harness: ChatHarness;
let page: Page;
const measured: Record<string, unknown> = {};

function poll<T>(read: () => T | Promise<T>, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

beforeAll(async () => {
  harness = await startChatHarness('markdown-render');
  page = harness.page;
  await setUpPersona(harness, 'Render probe');
}, 180_000);

afterAll(async () => {
  console.log(`render probe numbers: ${JSON.stringify(measured)}`);
  await harness?.close();
}, 60_000);

/** The app is still there: the thread, the composer and the sidebar rendered. */
async function expectAppAlive(): Promise<void> {
  expect(await page.locator('#root > *').count()).toBeGreaterThan(0);
  expect(await page.getByTestId('composer-input').isVisible()).toBe(true);
  expect(await page.getByTestId('thread').isVisible()).toBe(true);
}

/** Reloads the app (so nothing is cached in the page) and waits until its conversation list shows `title`. */
async function reloadApp(title: string): Promise<void> {
  await page.reload();
  // The probe's persona is not the first one, which a fresh page selects.
  await page.getByTestId('persona-row').filter({ hasText: 'Render probe' }).locator('button').first().click();
  await poll(() => page.getByTestId('conversation-row').filter({ hasText: title }).count()).toBeGreaterThan(0);
}

/** Opens the conversation whose title starts with `title`. */
async function open(title: string): Promise<void> {
  await page.getByTestId('conversation-row').filter({ hasText: title }).first().locator('button').first().click();
  await poll(() => assistantMessages(page).count()).toBe(1);
}

interface Run {
  totalMs: number;
  tasks: TaskSummary;
  longTaskApi: { longest: number; count: number };
}

/** Runs `action` until `done`, measuring the main thread meanwhile. */
async function measure(action: () => Promise<void>, done: () => Promise<void>): Promise<Run> {
  await resetLongTasks(page);
  const recorder = await recordMainThreadTasks(harness.context, page);
  const started = Date.now();
  await action();
  await done();
  const totalMs = Date.now() - started;
  const tasks = await recorder.stop();
  const { longest, count } = await readLongTasks(page);
  return { totalMs, tasks, longTaskApi: { longest, count } };
}

/** Streams `reply` into a new conversation, measured until all of it rendered. */
async function streamReply(question: string, reply: string, chunkSize: number, lastText: string): Promise<Run> {
  await page.goto(harness.appUrl);
  await newConversation(page);
  harness.policy.script({ chunks: chunked(reply, chunkSize), chunkDelayMs: 4 });
  const message = assistantMessages(page).first();
  return measure(
    () => send(page, question),
    async () => {
      await poll(() => message.getAttribute('data-status'), 300_000).toBe('complete');
      await poll(() => lastRenderedText(page), 300_000).toContain(lastText);
    },
  );
}

/** The thread followed the reply down: its end is in view. */
async function expectThreadAtBottom(): Promise<void> {
  await poll(() => page.getByTestId('thread').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(48);
}

describe('hostile and huge replies (real Chromium, browser mode)', () => {
  it('a reply of 3,000 ">" renders as plain text with a note, and reopening it does not blank the app', async () => {
    await page.goto(harness.appUrl);
    await newConversation(page);
    harness.policy.script({ chunks: ['>'.repeat(3000) + ' deep quote end'] });
    await send(page, 'Probe: deep quote');
    const message = assistantMessages(page).first();
    await poll(() => message.getAttribute('data-status'), 120_000).toBe('complete');
    await expectAppAlive();
    expect(await message.textContent()).toContain('deep quote end');
    const fallback = message.getByTestId('markdown-fallback');
    expect(await fallback.getAttribute('data-reason')).toBe('too-deep');
    expect(await fallback.textContent()).toContain('nested too deeply');

    // Measured from the click: the app's own start-up (script compile) is not the reply's cost.
    await reloadApp('Probe: deep quote');
    const run = await measure(
      () => open('Probe: deep quote'),
      async () => {
        await poll(async () => (await assistantMessages(page).first().textContent()) ?? '').toContain('deep quote end');
      },
    );
    measured.deepQuoteReopen = run;
    await expectAppAlive();
    expect(run.tasks.longestCpuMs).toBeLessThan(LONGEST_TASK_BUDGET_MS);
    expect(harness.problems).toEqual([]);
  }, 300_000);

  it('a 1,000-level nested list streams in without freezing the page', async () => {
    const reply = `${deeplyNestedList(1000)}\n\nafter the list`;
    const run = await streamReply('Probe: nested list', reply, 16_384, 'after the list');
    measured.nestedList = { chars: reply.length, ...run };
    await expectAppAlive();
    const fallback = assistantMessages(page).first().getByTestId('markdown-fallback');
    expect(await fallback.first().getAttribute('data-reason')).toMatch(/too-(deep|long)/);
    expect(run.tasks.longestCpuMs).toBeLessThan(LONGEST_TASK_BUDGET_MS);
    expect(harness.problems).toEqual([]);
  }, 600_000);

  for (const [label, bytes] of [['256 KB', 256 * 1024], ['1 MB', 1024 * 1024]] as const) {
    it(`a ${label} reply streams in and reopens with no task over ${LONGEST_TASK_BUDGET_MS} ms`, async () => {
      const reply = longMarkdownReply(bytes);
      const title = `Probe: ${label} reply`;
      const streamed = await streamReply(title, reply, 2048, END_MARKER);
      await expectThreadAtBottom();
      const message = assistantMessages(page).first();
      // It rendered as markdown, not as text: headings, highlighted code, tables and math.
      expect(await message.locator('h2').count()).toBeGreaterThan(0);
      expect(await message.locator('table').count()).toBeGreaterThan(0);
      expect(await message.locator('[data-testid="code-block"] code[data-highlighted]').count()).toBeGreaterThan(0);
      expect(await message.locator('.katex').count()).toBeGreaterThan(0);
      if (bytes > 300_000) await page.screenshot({ path: join(harness.screenshots, 'long-reply.png') });

      await reloadApp(title);
      const reopened = await measure(
        () => open(title),
        async () => {
          await poll(() => lastRenderedText(page), 300_000).toContain(END_MARKER);
        },
      );
      measured[label] = { streamed, reopened };
      await expectAppAlive();
      expect(streamed.tasks.longestCpuMs).toBeLessThan(LONGEST_TASK_BUDGET_MS);
      expect(reopened.tasks.longestCpuMs).toBeLessThan(LONGEST_TASK_BUDGET_MS);
      expect(harness.problems).toEqual([]);
    }, 900_000);
  }
});

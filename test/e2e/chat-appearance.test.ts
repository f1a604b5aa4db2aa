import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAxe, seriousOrWorse } from './support/axe';
import { assistantMessages, chunked, newConversation, send, setUpPersona, startChatHarness, type ChatHarness } from './support/browser-mode-chat';

/**
 * How replies look and how the app reads for everyone, in real Chromium against browser mode:
 * highlighted code with copy buttons, KaTeX math, reasoning kept apart, task lists, the theme
 * toggle, and axe-core (no serious or critical findings) on chat, settings and the timeline in
 * both themes. Screenshots go to test-results/screenshots.
 */

const CODE = 'export function add(a: number, b: number): number {\n  return a + b;\n}';
const ANSWER = [
  'Here is a function:',
  '',
  '```ts',
  CODE,
  '```',
  '',
  'Inline math $a^2 + b^2 = c^2$ with a thin space $x\\,y$, and a display formula:',
  '',
  '$$',
  '\\int_0^1 x\\,dx = \\frac{1}{2}',
  '$$',
  '',
  '- [x] write the code',
  '- [ ] test it',
  '',
  'Not a link: $\\href{javascript:alert(1)}{click me}$.',
].join('\n');
const REASONING = 'The user wants code, math and a checklist; keep it short.';
const REPLY = `<think>\n${REASONING}\n</think>\n\n${ANSWER}`;

let harness: ChatHarness;
let page: Page;

function poll<T>(read: () => T | Promise<T>, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

async function clipboardText(): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

async function backgroundOfBody(): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
}

beforeAll(async () => {
  harness = await startChatHarness('chat-appearance');
  page = harness.page;
  await harness.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.appUrl).origin });
  await setUpPersona(harness, 'Appearance');
  await newConversation(page);
}, 180_000);

afterAll(async () => {
  await harness?.close();
}, 60_000);

describe('chat appearance and accessibility (real Chromium, browser mode)', () => {
  it('renders code, math, reasoning and task lists, and copies code and replies', async () => {
    harness.policy.script({ chunks: chunked(REPLY, 12), chunkDelayMs: 5 });
    await send(page, 'Show me code, math and a checklist');
    const reply = assistantMessages(page).first();
    await poll(() => reply.getAttribute('data-status'), 60_000).toBe('complete');
    const content = reply.getByTestId('message-content');

    // Reasoning: collapsed, apart from the answer, readable on demand.
    const reasoning = reply.getByTestId('reasoning');
    expect(await reasoning.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await content.textContent()).not.toContain('The user wants');
    expect(await content.textContent()).not.toContain('<think>');
    await reasoning.locator('summary').click();
    await poll(() => reasoning.getByTestId('reasoning-body').textContent()).toContain(REASONING);
    await reasoning.locator('summary').click();

    // Code: highlighted (lazily loaded), language shown, copied exactly.
    const code = content.getByTestId('code-block');
    await poll(() => code.locator('code[data-highlighted] .hljs-keyword').count()).toBeGreaterThan(0);
    expect(await code.getAttribute('data-language')).toBe('ts');
    await code.getByTestId('copy-code').click();
    await poll(() => code.getByTestId('copy-code').getAttribute('data-state')).toBe('copied');
    expect(await clipboardText()).toBe(CODE);
    // Where the Clipboard API is refused (the Electron shell denies every permission), copy still works.
    await page.evaluate(async () => {
      await navigator.clipboard.writeText('something else');
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));
    });
    await poll(() => code.getByTestId('copy-code').getAttribute('data-state')).toBe('idle');
    await code.getByTestId('copy-code').click();
    await poll(() => code.getByTestId('copy-code').getAttribute('data-state')).toBe('copied');
    expect(await clipboardText()).toBe(CODE);
    await page.evaluate(() => {
      delete (navigator.clipboard as { writeText?: unknown }).writeText;
    });

    // Math: KaTeX for inline and display formulas; \, survives as a thin space; \href stays inert.
    await poll(() => content.locator('.katex').count()).toBe(4);
    expect(await content.locator('.katex-display').count()).toBe(1);
    const tex = await content.locator('annotation').allTextContents();
    expect(tex).toContain('x\\,y');
    expect(tex.some((t) => t.includes('\\int_0^1 x\\,dx'))).toBe(true);
    expect(await content.locator('a').count()).toBe(0);
    expect(await content.textContent()).not.toContain('$$');

    // Task list: each checkbox sits at the start of its item's single line.
    const items = content.locator('li.task-list-item');
    expect(await items.count()).toBe(2);
    for (let i = 0; i < 2; i += 1) {
      const item = (await items.nth(i).boundingBox())!;
      const box = (await items.nth(i).locator('input[type="checkbox"]').boundingBox())!;
      expect(box.width).toBeLessThan(24);
      expect(item.height).toBeLessThan(30);
      expect(box.x).toBeLessThanOrEqual(item.x + 2);
    }
    expect(await items.locator('input[type="checkbox"]').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).checked))).toEqual([true, false]);

    // Copy the whole reply: the answer without the reasoning.
    await reply.getByTestId('copy-message').click();
    await poll(() => reply.getByTestId('copy-message').getAttribute('data-state')).toBe('copied');
    expect(await clipboardText()).toBe(ANSWER);

    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(harness.screenshots, 'chat-code-math-reasoning-light.png') });
    expect(harness.problems).toEqual([]);
  }, 180_000);

  it('switches theme (system, light, dark) and remembers it across a reload', async () => {
    const light = await backgroundOfBody();
    await page.getByTestId('theme-dark').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const dark = await backgroundOfBody();
    expect(dark).not.toBe(light);

    await page.reload();
    await poll(() => page.getByTestId('theme-dark').getAttribute('aria-pressed')).toBe('true');
    expect(await backgroundOfBody()).toBe(dark);

    // System follows the OS setting.
    await page.getByTestId('theme-system').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await backgroundOfBody()).toBe(dark);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await backgroundOfBody()).toBe(light);
    await page.getByTestId('theme-light').click();
    expect(await backgroundOfBody()).toBe(light);
  }, 120_000);

  it('has a skip link and keyboard-reachable lists', async () => {
    await page.reload();
    await page.getByTestId('theme-toggle').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
    expect(await page.locator('h1').count()).toBeGreaterThan(0);
  }, 60_000);

  it('passes axe-core with no serious or critical findings on chat, settings and timeline in both themes', async () => {
    // Signals of both signs, so the reward badges are on the page.
    await page.getByTestId('persona-row').filter({ hasText: 'Appearance' }).locator('button').first().click();
    // Its one conversation (named by the model after the first exchange, so not by its first words).
    await page.getByTestId('conversation-row').first().locator('button').first().click();
    await poll(() => assistantMessages(page).first().textContent()).toContain('Here is a function');
    const first = assistantMessages(page).first();
    await poll(() => first.getAttribute('data-status')).toBe('complete');
    harness.policy.script({ chunks: ['A second, **short** reply.'] });
    await send(page, 'And another thing?');
    const second = assistantMessages(page).nth(1);
    await poll(() => second.getAttribute('data-status'), 60_000).toBe('complete');
    await first.getByTestId('thumb-up').click();
    await poll(() => first.getByTestId('signal-badge').getAttribute('data-reward'), 30_000).toBe('1');
    await second.getByTestId('thumb-down').click();
    await page.getByTestId('thumb-down-reason').fill('Too short.');
    await page.getByTestId('thumb-down-submit').click();
    await poll(() => second.getByTestId('signal-badge').getAttribute('data-reward'), 30_000).toBe('-1');

    const findings: Record<string, unknown> = {};
    for (const theme of ['light', 'dark'] as const) {
      await page.getByTestId(`theme-${theme}`).click();
      await page.getByTestId('tab-chat').click();
      await poll(() => assistantMessages(page).count()).toBe(2);
      await page.mouse.move(0, 0);
      findings[`chat ${theme}`] = seriousOrWorse(await runAxe(page));
      await page.screenshot({ path: join(harness.screenshots, `chat-${theme}.png`) });

      await page.getByTestId('open-settings').click();
      await page.getByTestId('settings-policy-endpoint').waitFor();
      findings[`settings ${theme}`] = seriousOrWorse(await runAxe(page));
      await page.screenshot({ path: join(harness.screenshots, `settings-${theme}.png`) });
      await page.keyboard.press('Escape');

      await page.getByTestId('tab-timeline').click();
      await poll(() => page.getByTestId('signal-row').count(), 30_000).toBeGreaterThan(0);
      findings[`timeline ${theme}`] = seriousOrWorse(await runAxe(page));
      await page.screenshot({ path: join(harness.screenshots, `timeline-${theme}.png`) });
    }
    expect(findings).toEqual({
      'chat light': [],
      'settings light': [],
      'timeline light': [],
      'chat dark': [],
      'settings dark': [],
      'timeline dark': [],
    });
    expect(harness.problems).toEqual([]);
  }, 240_000);

  it('shows reasoning the server sends apart (reasoning_content) beside the answer, and keeps it with the reply', async () => {
    await newConversation(page);
    const thinking = 'Metres or feet? The user wrote in English; give both.';
    harness.policy.script({ reasoning: chunked(thinking, 8), chunks: chunked('About 8,849 m (29,032 ft).', 6), chunkDelayMs: 20 });
    await send(page, 'How high is Everest?');
    const reply = assistantMessages(page).first();
    await poll(() => reply.getAttribute('data-status'), 60_000).toBe('complete');
    const reasoning = reply.getByTestId('reasoning');
    await reasoning.locator('summary').click();
    expect(await reasoning.getByTestId('reasoning-body').textContent()).toContain(thinking);
    expect(await reply.getByTestId('message-content').textContent()).toBe('About 8,849 m (29,032 ft).');
    // Stored with the reply: a reload shows it again.
    await page.reload();
    const reopened = assistantMessages(page).first();
    await poll(() => reopened.getByTestId('reasoning').count(), 30_000).toBe(1);
    expect(await reopened.getByTestId('message-content').textContent()).toBe('About 8,849 m (29,032 ft).');
  });
});

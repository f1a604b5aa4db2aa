import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationArchiveSchema } from '../../shared/conversation-archive';
import { messages, poll, replyRequests, screenshotDir, send, startAppStack, waitForReply, type AppStack } from './support/app-stack';

/**
 * Organising conversations in real Chromium against the real core, the box gateway and the SGLang
 * test engine: generated titles, Ctrl/Cmd+N and Ctrl/Cmd+K, search finding a message in another
 * conversation, the selection surviving a reload, per-persona parameters reaching the engine, and an
 * export → import round trip that adds no duplicates.
 */

let stack: AppStack;

beforeAll(async () => {
  stack = await startAppStack({
    reply: (context) => {
      const asked = context.messages?.map((m) => m.content).join('\n') ?? '';
      if (asked.includes('Name this conversation.')) {
        return asked.includes('zeppelin') ? '<think>about airships</think>Airship history' : 'Capital cities quiz';
      }
      return `About that: ${context.lastUserMessage ?? ''}`;
    },
  });
}, 180_000);
afterAll(async () => {
  await stack?.close();
}, 60_000);

const selectedRow = (page: Page) => page.locator('[data-testid="conversation-row"]:has([aria-current="true"])');

async function download(page: Page, testId: string): Promise<{ name: string; text: string }> {
  await page.getByTestId('conversation-tools').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

describe('organising conversations (real Chromium, core, box and engine)', () => {
  it('titles, shortcuts, search across conversations, and the selection remembered across a reload', async () => {
    const { page } = stack;
    await poll(() => page.locator('[data-testid="persona-row"] [aria-current="true"]').count()).toBe(1);
    // Ctrl/Cmd+N: a new conversation, opened.
    await page.keyboard.press('Control+n');
    await poll(() => page.getByTestId('conversation-row').count()).toBe(1);
    await send(page, 'What is the capital of Australia, and why was it chosen over Sydney?');
    await waitForReply(page, 0);
    // The model's title replaces the shortened first message that stood in for it.
    await poll(() => selectedRow(page).textContent()).toContain('Capital cities quiz');

    await page.keyboard.press('Control+n');
    await poll(() => page.getByTestId('conversation-row').count()).toBe(2);
    await send(page, 'Tell me about the first zeppelin flights over Lake Constance.');
    await waitForReply(page, 0);
    await poll(() => selectedRow(page).textContent()).toContain('Airship history');

    await page.keyboard.press('Control+n');
    await poll(() => page.getByTestId('conversation-row').count()).toBe(3);

    // Ctrl/Cmd+K: search finds the message in another conversation and opens it there, highlighted.
    await page.keyboard.press('Control+k');
    await page.getByTestId('search-input').fill('zeppel');
    const hit = page.getByTestId('search-hit').first();
    await poll(() => hit.textContent()).toContain('Airship history');
    expect(await hit.locator('mark').first().textContent()).toMatch(/^zeppelin$/i);
    await page.screenshot({ path: join(screenshotDir, 'search.png') });
    const messageId = (await hit.getAttribute('data-message-id'))!;
    await page.getByTestId('search-input').press('Enter');
    await poll(() => page.getByTestId('search-dialog').count()).toBe(0);
    await poll(() => selectedRow(page).textContent()).toContain('Airship history');
    await poll(() => page.locator(`[data-highlighted="true"] [data-message-id="${messageId}"]`).count()).toBe(1);

    // Reload: the same conversation is open again.
    await page.reload();
    await poll(() => selectedRow(page).textContent()).toContain('Airship history');
    await poll(() => messages(page, 'user').first().textContent()).toContain('zeppelin');
    expect(stack.problems).toEqual([]);
  }, 240_000);

  it("sends a persona's own model, temperature and max tokens", async () => {
    const { page } = stack;
    const row = page.getByTestId('persona-row').first();
    await row.hover();
    await row.getByRole('button', { name: /^Edit / }).click();
    await page.getByTestId('persona-model').fill('qwen3-e2e-persona');
    await page.getByTestId('persona-temperature').fill('0.2');
    await page.getByTestId('persona-max-tokens').fill('77');
    await page.getByTestId('persona-save').click();
    await poll(() => page.getByTestId('persona-editor').count()).toBe(0);
    await page.keyboard.press('Control+n');
    await send(page, 'Short answer please: how tall is Mount Kosciuszko?');
    await waitForReply(page, 0);
    const asked = replyRequests(stack).at(-1)!;
    expect(asked).toMatchObject({ model: 'qwen3-e2e-persona', temperature: 0.2, max_tokens: 77 });

    await page.getByTestId('open-settings').click();
    await page.screenshot({ path: join(screenshotDir, 'settings.png') });
    await page.keyboard.press('Escape');
    expect(stack.problems).toEqual([]);
  }, 120_000);

  it('exports every conversation and imports the file back without duplicates; a bad file changes nothing', async () => {
    const { page } = stack;
    const before = await page.getByTestId('conversation-row').count();
    const markdown = await download(page, 'export-conversation-md');
    expect(markdown.name).toMatch(/\.md$/);
    expect(markdown.text).toContain('Mount Kosciuszko');

    const exported = await download(page, 'export-all-json');
    const archive = ConversationArchiveSchema.parse(JSON.parse(exported.text));
    expect(archive.conversations.length).toBe(before);

    // The same file again: everything is already here.
    const file = join(stack.boxDataDir, '..', 'export.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, exported.text);
    await page.getByTestId('import-file').setInputFiles(file);
    await poll(() => page.getByTestId('tools-notice').textContent()).toMatch(/Imported 0 conversations \(\d+ already here\)/);
    expect(await page.getByTestId('conversation-row').count()).toBe(before);

    // Delete one, import again: it comes back, once.
    const row = selectedRow(page);
    const deletedId = (await row.getAttribute('data-conversation-id'))!;
    page.once('dialog', (dialog) => void dialog.accept());
    await row.hover();
    await row.getByRole('button', { name: /^Delete / }).click();
    await poll(() => page.getByTestId('conversation-row').count()).toBe(before - 1);
    await page.getByTestId('import-file').setInputFiles(file);
    await poll(() => page.getByTestId('tools-notice').textContent()).toMatch(/Imported 1 conversation \(\d+ already here\)/);
    await poll(() => page.getByTestId('conversation-row').count()).toBe(before);
    expect(await page.locator(`[data-conversation-id="${deletedId}"]`).count()).toBe(1);

    // A file that is not an export: a clear error, nothing changed.
    const bad = join(stack.boxDataDir, '..', 'bad.json');
    writeFileSync(bad, JSON.stringify({ conversations: 'nope' }));
    await page.getByTestId('import-file').setInputFiles(bad);
    await poll(() => page.getByTestId('tools-error').textContent()).toMatch(/not a conversation export from Apprentice/);
    expect(await page.getByTestId('conversation-row').count()).toBe(before);
    expect(stack.problems).toEqual([]);
  }, 120_000);
});

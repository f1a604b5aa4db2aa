import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConversation } from './support/browser-mode-chat';
import { messages, poll, replyRequests, screenshotDir, send, startAppStack, waitForReply, type AppStack } from './support/app-stack';

/**
 * Conversation editing in real Chromium against the real core, the box gateway and the SGLang test
 * engine: regenerate keeps versions, the version the user settles on is what the engine is asked
 * with next, edit and resend branches, a failed reply is retried in place, a rewritten reply is what
 * later turns see, and a regenerate after the user's own Stop is no −1.
 */

let stack: AppStack;
let answer = 0;

beforeAll(async () => {
  stack = await startAppStack({ reply: (context) => `Answer ${++answer} to: ${context.lastUserMessage ?? ''}` });
}, 180_000);
afterAll(async () => {
  await stack?.close();
}, 60_000);

/** The messages of the newest chat request the engine received (titles excluded: they ask for no stream). */
function lastAsked(): string[] {
  const request = replyRequests(stack).at(-1)!;
  return (request.messages as Array<{ content: string }>).map((m) => m.content);
}

function replyText(index: number) {
  return messages(stack.page, 'assistant').nth(index).getByTestId('message-content').textContent();
}

describe('conversation editing (real Chromium, core, box and engine)', () => {
  it('keeps reply versions, sends the settled version as context, branches on edit, retries, and uses a rewrite', async () => {
    const { page } = stack;
    await newConversation(page);
    await send(page, 'What is the capital of Australia?');
    await waitForReply(page, 0);
    const firstText = await replyText(0);
    expect(firstText).toMatch(/^Answer \d+ to: What is the capital of Australia\?/);

    // --- Regenerate adds a version; the old one is kept and can be switched back to.
    const firstReply = messages(page, 'assistant').nth(0);
    await firstReply.getByTestId('regenerate').click();
    await poll(() => firstReply.getByTestId('version-label').textContent()).toBe('2 / 2');
    await waitForReply(page, 0);
    const secondText = await replyText(0);
    expect(secondText).not.toBe(firstText);
    await firstReply.getByTestId('version-prev').click();
    await poll(() => firstReply.getByTestId('version-label').textContent()).toBe('1 / 2');
    await poll(() => replyText(0)).toBe(firstText);
    await page.screenshot({ path: join(screenshotDir, 'chat-versions.png') });

    // --- The user settles on version 1 and goes on: the engine is asked with version 1 as context.
    await send(page, 'Tell me more about it.');
    await waitForReply(page, 1);
    expect(lastAsked()).toEqual(['You are a helpful assistant.', 'What is the capital of Australia?', firstText, 'Tell me more about it.']);

    // --- Edit and resend the first message: a new branch; the old one is one version back.
    const firstUser = messages(page, 'user').nth(0);
    await firstUser.hover();
    await firstUser.getByTestId('user-edit').click();
    await page.getByTestId('user-edit-text').fill('What is the capital of Austria?');
    await page.getByTestId('user-edit-send').click();
    await poll(() => messages(page).count()).toBe(2);
    await waitForReply(page, 0);
    expect(await replyText(0)).toMatch(/to: What is the capital of Austria\?/);
    expect(lastAsked().slice(-1)).toEqual(['What is the capital of Austria?']);
    expect(lastAsked()).not.toContain(firstText);
    await poll(() => messages(page, 'user').nth(0).getByTestId('version-label').textContent()).toBe('2 / 2');
    await messages(page, 'user').nth(0).getByTestId('version-prev').click();
    await poll(() => messages(page).count()).toBe(4);
    expect(await messages(page, 'user').nth(1).textContent()).toContain('Tell me more about it.');
    await messages(page, 'user').nth(0).getByTestId('version-next').click();
    await poll(() => messages(page).count()).toBe(2);

    // --- A failed reply mid-thread is retried in place, as a new version of it.
    // (A policy endpoint that refuses connections makes exactly this one reply fail.)
    await stack.invoke('settings:update', { policy: { endpoint: 'http://127.0.0.1:9/v1' } });
    await send(page, 'Which river runs through it?');
    await waitForReply(page, 1, 'error');
    await stack.invoke('settings:update', { policy: { endpoint: '' } });
    await send(page, 'Hello?');
    await waitForReply(page, 2);
    const failed = messages(page, 'assistant').nth(1);
    await failed.getByTestId('retry').click();
    await poll(() => messages(page).count()).toBe(4);
    await waitForReply(page, 1);
    expect(await replyText(1)).toMatch(/to: Which river runs through it\?/);
    expect(await failed.getByTestId('version-label').textContent()).toBe('2 / 2');
    expect(lastAsked().slice(-2)).toEqual([expect.stringMatching(/Austria/), 'Which river runs through it?']);

    // --- "Edit reply": the rewrite is what the thread shows and what the next turn sends.
    const retried = messages(page, 'assistant').nth(1);
    await retried.getByTestId('edit-reply').click();
    await page.getByTestId('edit-reply-text').fill('The Danube runs through Vienna.');
    await page.getByTestId('edit-reply-save').click();
    await poll(() => replyText(1)).toBe('The Danube runs through Vienna.');
    expect(await retried.getByTestId('reply-rewritten').count()).toBe(1);
    await send(page, 'How long is it?');
    await waitForReply(page, 2);
    expect(lastAsked().slice(-3)).toEqual(['Which river runs through it?', 'The Danube runs through Vienna.', 'How long is it?']);
    // The rewrite is an 'edit' signal on what the model wrote.
    const conversationId = (await page.locator('[data-testid="conversation-row"] [aria-current="true"]').evaluate((el) =>
      el.closest('[data-conversation-id]')!.getAttribute('data-conversation-id'),
    ))!;
    const { signals } = await stack.invoke('signals:listForConversation', { conversationId });
    const retriedId = (await retried.getAttribute('data-message-id'))!;
    expect(signals.find((s) => s.messageId === retriedId && s.supersededBy === null)).toMatchObject({ kind: 'edit', reward: -1 });
    expect(stack.problems).toEqual([]);
  }, 240_000);

  it('a regenerate right after the user pressed Stop records no −1', async () => {
    const { page } = stack;
    stack.engine.setBehaviour({ tokenLatencyMs: 80 });
    await newConversation(page);
    await send(page, 'Write a long poem about the sea and its moods through a whole year');
    const reply = messages(page, 'assistant').nth(0);
    await poll(async () => ((await reply.getByTestId('message-content').textContent()) ?? '').length, 30_000).toBeGreaterThan(5);
    await page.getByTestId('stop-button').click();
    await waitForReply(page, 0, 'stopped');
    stack.engine.setBehaviour({ tokenLatencyMs: 2 });
    const stoppedId = (await reply.getAttribute('data-message-id'))!;
    await reply.getByTestId('regenerate').click();
    await poll(() => reply.getByTestId('version-label').textContent()).toBe('2 / 2');
    await waitForReply(page, 0);
    const message = await stack.invoke('messages:select', { messageId: stoppedId });
    const conversationId = message[0]!.conversationId;
    const { signals } = await stack.invoke('signals:listForConversation', { conversationId });
    expect(signals.filter((s) => s.messageId === stoppedId)).toEqual([]);
    expect(stack.problems).toEqual([]);
  }, 120_000);
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_FORMAT, type ConversationArchive } from '../../shared/conversation-archive';
import { BOX_TOKEN, messages, poll, screenshotDir, send, startAppStack, waitForReply, type AppStack } from './support/app-stack';
import { runTrainingStep } from './support/trainer-stand-in';

/**
 * The Learning tab in real Chromium against the real core, the box gateway, the SGLang test engine
 * and the trainer stood in at its HTTP edge: the acceptance curve rises as corrections give way to
 * accepted replies, the policy version a training step announced is marked on it, one row per signal
 * with its life, badges and rows link to each other, the DPO export pairs a correction with what
 * came after it, the hints review shows the exchange, and a 500-message conversation stays light.
 */

let stack: AppStack;
let turn = 0;

beforeAll(async () => {
  // A statement, never a question back: "No, I meant …" after a question is an answer, not a correction.
  stack = await startAppStack({ reply: (context) => `Reply ${++turn} about: ${(context.lastUserMessage ?? '').replace(/[?.!]+$/, '')}.` });
}, 180_000);
afterAll(async () => {
  await stack?.close();
}, 60_000);

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync((await file.path())!, 'utf8');
}

const rows = (page: Page) => page.getByTestId('signal-row');

describe('the Learning tab (real Chromium, core, box, engine and trainer edge)', () => {
  it('plots acceptance rising over a policy version, one row per signal, linked both ways, and exports a DPO pair', async () => {
    const { page } = stack;
    await page.getByTestId('new-conversation').click();
    // Three replies corrected in a row…
    await send(page, 'What is the capital of Australia?');
    await waitForReply(page, 0);
    for (const text of ['No, I meant the capital of Austria.', 'No, I meant the capital city of Austria, not its largest city.', 'No, I meant Vienna’s river.']) {
      await send(page, text);
      await poll(() => messages(page, 'assistant').last().textContent(), 60_000).toContain(text.replace(/[.]$/, ''));
      await poll(() => messages(page, 'assistant').last().getAttribute('data-status'), 60_000).toBe('complete');
    }
    const lastCorrectedId = (await messages(page, 'assistant').last().getAttribute('data-message-id'))!;
    // …the box stores them and a training step learns from them (policy-1)…
    await page.getByTestId('tab-timeline').click();
    await poll(() => rows(page).count(), 60_000).toBe(3);
    await poll(async () => (await rows(page).evaluateAll((n) => n.map((r) => r.getAttribute('data-stage')))).join(), 60_000).toBe(
      'acknowledged,acknowledged,acknowledged',
    );
    await poll(() => runTrainingStep({ boxUrl: stack.boxUrl, token: BOX_TOKEN, step: 1, batchSize: 64, loss: 0.5, policyVersion: 'policy-1' }), 60_000).toBeGreaterThan(0);
    await poll(() => page.locator('[data-testid="signal-row"][data-stage="trained"]').count(), 30_000).toBeGreaterThan(0);
    await poll(() => page.getByTestId('tile-policy-value').textContent(), 30_000).toBe('policy-1');

    // …then four replies accepted.
    // (The thread is virtualised: replies are found by their text, the newest as the last one shown.)
    // Each reply is pinned by its id: `.last()` of a virtualised list can move to another row while
    // the list renders after the tab switch or a new message.
    await page.getByTestId('tab-chat').click();
    const thread = page.getByTestId('thread');
    let previousId = lastCorrectedId;
    for (let i = 0; i < 4; i += 1) {
      let id = previousId;
      if (i > 0) {
        await poll(async () => {
          await thread.evaluate((element) => element.scrollTo(0, element.scrollHeight));
          id = (await messages(page, 'assistant').last().getAttribute('data-message-id')) ?? previousId;
          return id;
        }, 60_000).not.toBe(previousId);
      }
      await thread.evaluate((element) => element.scrollTo(0, element.scrollHeight));
      previousId = id;
      const reply = page.locator(`[data-testid="message"][data-message-id="${id}"]`);
      await poll(() => reply.getAttribute('data-status'), 60_000).toBe('complete');
      await reply.getByTestId('thumb-up').click();
      await poll(() => reply.getByTestId('signal-badge').getAttribute('data-kind'), 30_000).toBe('thumb_up');
      if (i < 3) await send(page, `And one more fact, number ${i + 1}?`);
    }
    // No badge for a neutral turn; words, not internals, for the others.
    await page.getByTestId('thread').evaluate((element) => element.scrollTo(0, 0));
    const corrected = messages(page, 'assistant').filter({ hasText: 'about: No, I meant the capital city of Austria' });
    // The box's judge decided the corrections (three votes to none).
    await poll(() => corrected.getByTestId('signal-link').textContent(), 60_000).toBe('Judge: not helpful (3 of 3)');
    const accepted = messages(page, 'assistant').filter({ hasText: 'about: No, I meant Vienna’s river' });
    expect(await accepted.getByTestId('signal-link').textContent()).toBe('You liked this');
    expect(await page.locator('[data-testid="signal-badge"]').evaluateAll((n) => n.map((b) => b.textContent).join(' '))).not.toMatch(
      /heuristic|explicit|directive|[+−-]1/,
    );

    // The badge links to its row on the Learning tab…
    const signalId = (await corrected.getByTestId('signal-badge').getAttribute('data-signal-id'))!;
    const messageId = (await corrected.getAttribute('data-message-id'))!;
    await corrected.getByTestId('signal-link').click();
    const row = page.locator(`[data-testid="signal-row"][data-signal-id="${signalId}"]`);
    await poll(() => row.getAttribute('class'), 30_000).toContain('highlighted');
    expect(await row.getByTestId('signal-details').textContent()).toMatch(/You said next: No, I meant Vienna’s river\./);
    expect(await row.getByTestId('life-steps').textContent()).toMatch(/trained in step 1/);

    // …the curve rises from corrections to accepted replies, over the version the step announced…
    const summary = await stack.invoke('learning:summary', { personaId: (await stack.invoke('personas:list', {}))[0]!.id });
    const rates = summary.curve.map((p) => p.rate);
    expect(rates[0]).toBe(0);
    expect(rates.at(-1)).toBeCloseTo(4 / 7, 5);
    expect(Math.max(...rates.slice(0, 3))).toBe(0);
    await poll(() => page.getByTestId('acceptance-chart').getAttribute('data-points'), 30_000).toBe('7');
    expect(await page.getByTestId('version-marks').textContent()).toContain('policy-1');
    expect(await page.getByTestId('acceptance-chart').locator('.version-line').count()).toBe(1);
    expect(await page.getByTestId('tile-accepted-value').textContent()).toBe('57%');
    // Tiles agree with the rows: 3 corrections trained, 4 thumbs up waiting.
    await poll(() => rows(page).count()).toBe(7);
    expect(await page.getByTestId('tile-trained-value').textContent()).toBe('3');
    await poll(() => page.getByTestId('tile-waiting-value').textContent(), 30_000).toBe('4');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(screenshotDir, 'learning.png') });

    // The rows are reachable by keyboard: ↓ moves between them.
    await rows(page).first().locator('.row-summary').focus();
    await page.keyboard.press('ArrowDown');
    // (Focus moves on the next frame, once the list has rendered the row.)
    await poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid="signal-row"]')?.getAttribute('data-row-index'))).toBe('1');

    // …and the row links back to the reply in its conversation.
    await row.getByTestId('row-show-message').click();
    await poll(() => page.locator(`[data-highlighted="true"] [data-message-id="${messageId}"]`).count(), 30_000).toBe(1);

    // The DPO export pairs the last correction with the answer the user then accepted.
    await page.getByTestId('tab-timeline').click();
    const pairs = (await download(page, 'export-dpo')).trim().split('\n').map((line) => JSON.parse(line));
    expect(pairs).toHaveLength(1);
    expect(pairs[0].prompt.at(-1)).toEqual({ role: 'user', content: 'No, I meant the capital city of Austria, not its largest city.' });
    expect(pairs[0].rejected).toEqual([{ role: 'assistant', content: expect.stringMatching(/^Reply \d+ about: No, I meant the capital city of Austria/) }]);
    expect(pairs[0].chosen).toEqual([{ role: 'assistant', content: expect.stringMatching(/^Reply \d+ about: No, I meant Vienna’s river\.$/) }]);
    const sft = (await download(page, 'export-sft')).trim().split('\n');
    expect(sft).toHaveLength(4);

    // The hints review shows the exchange each hint came from.
    await page.getByTestId('tab-hints').click();
    await page.getByRole('tab', { name: 'all' }).click();
    await poll(() => page.getByTestId('hint-context').count(), 30_000).toBeGreaterThan(0);
    expect(await page.getByTestId('hint-context').first().textContent()).toMatch(/You asked.*It replied.*You said next/);
    expect(stack.problems).toEqual([]);
  }, 300_000);

  it('keeps a 500-message conversation light: few rows in the page, and scrolling reaches both ends', async () => {
    const { page } = stack;
    const [persona] = await stack.invoke('personas:list', {});
    const start = Date.now() - 1_000_000;
    const archive: ConversationArchive = {
      format: ARCHIVE_FORMAT,
      version: 1,
      exportedAt: Date.now(),
      personas: [{ id: persona!.id, name: persona!.name, systemPrompt: persona!.systemPrompt, hintMode: persona!.hintMode }],
      conversations: [
        {
          id: 'long-conversation',
          personaId: persona!.id,
          title: 'Five hundred messages',
          createdAt: start,
          updatedAt: Date.now(),
          messages: Array.from({ length: 500 }, (_, i) => ({
            id: `long-${i + 1}`,
            seq: i + 1,
            parentId: i === 0 ? null : `long-${i}`,
            role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
            content: i % 2 === 0 ? `Question ${i / 2 + 1}: tell me about item ${i}.` : `Answer ${(i + 1) / 2}.\n\n- point one\n- point two\n\n\`\`\`ts\nconst n = ${i};\n\`\`\``,
            status: 'complete' as const,
            error: null,
            model: null,
            policyVersion: null,
            editedContent: null,
            selected: true,
            createdAt: start + i * 1000,
            updatedAt: start + i * 1000,
          })),
        },
      ],
    };
    const file = join(stack.boxDataDir, '..', 'long.json');
    writeFileSync(file, JSON.stringify(archive));
    await page.getByTestId('tab-chat').click();
    await page.getByTestId('import-file').setInputFiles(file);
    await poll(() => page.getByTestId('tools-notice').textContent(), 30_000).toMatch(/Imported 1 conversation/);
    await page.locator('[data-conversation-id="long-conversation"] .list-main').click();
    await poll(() => page.getByText('Answer 250.').count(), 30_000).toBe(1);

    // Virtualised: a handful of the 500 messages are in the page at any time.
    const inPage = () => messages(page).count();
    expect(await inPage()).toBeLessThan(40);
    const thread = page.getByTestId('thread');
    const frames = await thread.evaluate(async (element) => {
      // Scroll from the end to the start in steps, one per frame, and time the frames.
      const times: number[] = [];
      let last = performance.now();
      for (let top = element.scrollHeight; top > 0; top -= 600) {
        element.scrollTop = top;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      element.scrollTop = 0;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return times.sort((a, b) => a - b);
    });
    await poll(() => page.getByText('Question 1: tell me about item 0.').count(), 30_000).toBe(1);
    expect(await inPage()).toBeLessThan(40);
    console.log(
      `500-message conversation: ${frames.length} scroll steps, median frame ${frames[Math.floor(frames.length / 2)]!.toFixed(1)} ms, ` +
        `slowest ${frames.at(-1)!.toFixed(1)} ms`,
    );
    await page.screenshot({ path: join(screenshotDir, 'chat-500-messages.png') });
    expect(stack.problems).toEqual([]);
  }, 180_000);
});

import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOX_DATABASE_FILE } from '../../box/gateway/gateway-config';
import { SignalSampleSchema, type SignalSample } from '../../shared/protocol/box-stream';
import { startBrowserMode } from './support/browser-mode-process';
import { openWatchedPage } from './support/chromium';
import { startReadyProcess, type ReadyProcess } from './support/child-process';
import { runTrainingStep } from './support/trainer-stand-in';

/**
 * The whole app in real parts: the SGLang test engine, the box gateway and browser mode run as
 * child processes; real Chromium drives the built UI (out/renderer, from `npm run build`).
 */

const repo = resolve(import.meta.dirname, '..', '..');
const screenshots = join(repo, 'test-results', 'screenshots');
const BOX_TOKEN = 'e2e-box-token-0123456789';

// Every reply is this text, streamed token by token (slow enough to stop mid-way). It carries
// markdown and raw HTML, which must not become elements.
const REPLY = [
  'Here is **the short answer**: it is *Canberra*, the capital of Australia.',
  '',
  '- It was chosen as a compromise between Sydney and Melbourne.',
  '- Parliament has met there since 1927.',
  '',
  '```ts',
  "const capital = 'Canberra';",
  '```',
  '',
  'See [the city guide](https://example.com/canberra) for more. <img src="x" onerror="window.__pwned = 1"> <b>raw html</b>',
].join('\n');

const temp = mkdtempSync(join(tmpdir(), 'apprentice-e2e-'));
const processes: ReadyProcess[] = [];
let context: BrowserContext | null = null;
let page: Page;
let boxDataDir: string;
let pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(repo, 'out', 'renderer', 'index.html'))) {
    throw new Error('out/renderer/index.html is missing: run `npm run build` first (npm test does).');
  }
  const engine = await startReadyProcess({
    name: 'SGLang test engine',
    script: 'test/support/sglang-test-engine-cli.ts',
    // The box's judge (on by default) reads the correction as −1, three votes to none.
    args: ['--port', '0', '--reply', REPLY, '--token-latency-ms', '30', '--judge-votes=-1,-1,-1', '--exit-on-stdin-close'],
    ready: /SGLang test engine ready at (http:\/\/\S+)/,
    cwd: repo,
  });
  processes.push(engine);

  boxDataDir = join(temp, 'box');
  const box = await startReadyProcess({
    name: 'box gateway',
    script: 'box/main.ts',
    args: ['--sglang', engine.match[1]!, '--port', '0', '--token', BOX_TOKEN, '--data-dir', boxDataDir],
    ready: /Apprentice box gateway listening on (http:\/\/\S+)/,
    cwd: repo,
  });
  processes.push(box);

  const web = await startBrowserMode(join(temp, 'app'));
  processes.push(web.process);

  mkdirSync(screenshots, { recursive: true });
  ({ context, page, problems: pageProblems } = await openWatchedPage(join(temp, 'chromium-profile'), web.url));
  (globalThis as { __boxUrl?: string }).__boxUrl = box.match[1]!;
}, 180_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  // Browser mode first (it holds the box link), then the box, then the engine.
  for (const child of processes.reverse()) await child.stop();
  rmSync(temp, { recursive: true, force: true });
}, 60_000);

/** expect.poll with a timeout that suits a loaded 2-core machine (vitest's default is 1 s). */
function poll<T>(read: () => T | Promise<T>, timeout = 30_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

function assistantMessages(): Locator {
  return page.locator('[data-testid="message"][data-role="assistant"]');
}

async function send(text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
}

async function waitForReply(index: number, status: 'complete' | 'stopped' = 'complete'): Promise<Locator> {
  const reply = assistantMessages().nth(index);
  await poll(() => reply.getAttribute('data-status'), 60_000).toBe(status);
  return reply;
}

function readBoxSamples(): SignalSample[] {
  const file = join(boxDataDir, BOX_DATABASE_FILE);
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT body FROM samples ORDER BY rowid').all() as Array<{ body: string }>;
    return rows.map((row) => SignalSampleSchema.parse(JSON.parse(row.body)));
  } finally {
    db.close();
  }
}

describe('Apprentice end to end (browser mode, real box gateway, real Chromium)', () => {
  it('configures the box, chats, learns from a correction, and delivers it to the box', async () => {
    const boxUrl = (globalThis as { __boxUrl?: string }).__boxUrl!;

    // --- Box connection through the settings panel
    await poll(() => page.getByTestId('box-status').getAttribute('data-state'), 30_000).toBe('unconfigured');
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-box-url').fill(boxUrl);
    await page.getByTestId('settings-box-token').fill(BOX_TOKEN);
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-token-state').textContent()).toContain('token saved');
    // The token field is write-only: it is cleared and never filled back in.
    await poll(() => page.getByTestId('settings-box-token').inputValue()).toBe('');
    await page.getByTestId('settings-test').click();
    await poll(() => page.getByTestId('settings-test-result').textContent(), 30_000).toMatch(/^✓/);
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('box-status').getAttribute('data-state'), 30_000).toBe('connected');

    // --- A persona and a conversation
    await page.getByTestId('new-persona').click();
    await page.getByTestId('persona-name').fill('Geography tutor');
    await page.getByTestId('persona-system-prompt').fill('You answer geography questions briefly and precisely.');
    await page.getByTestId('persona-save').click();
    await poll(() => page.getByTestId('persona-row').filter({ hasText: 'Geography tutor' }).count()).toBe(1);
    await poll(() => page.locator('[data-testid="persona-row"] [aria-current="true"]').textContent()).toContain('Geography tutor');
    await page.getByTestId('new-conversation').click();

    // --- Chat: the reply streams in and renders as markdown without raw HTML
    await send('What is the capital of Australia?');
    const first = assistantMessages().nth(0);
    await poll(() => first.getAttribute('data-status'), 30_000).toBe('streaming');
    await waitForReply(0);
    const content = first.getByTestId('message-content');
    expect(await content.locator('strong').first().textContent()).toBe('the short answer');
    expect(await content.locator('li').count()).toBe(2);
    expect(await content.locator('pre code').textContent()).toContain("const capital = 'Canberra';");
    const link = content.locator('a');
    expect(await link.getAttribute('href')).toBe('https://example.com/canberra');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await content.locator('img, b, script').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

    // --- "No, I meant …": a correction with a hint on the first reply
    await send('No, I meant the capital of Austria, not Australia.');
    await waitForReply(1);
    const correctionBadge = first.getByTestId('signal-badge');
    await poll(() => correctionBadge.getAttribute('data-kind'), 30_000).toBe('correction');
    expect(await correctionBadge.getAttribute('data-reward')).toBe('-1');
    await poll(() => first.getByTestId('signal-hint').textContent()).toMatch(/Austria/);

    // --- Thumbs up on the second reply
    const second = assistantMessages().nth(1);
    await second.getByTestId('thumb-up').click();
    await poll(() => second.getByTestId('signal-badge').getAttribute('data-kind'), 30_000).toBe('thumb_up');

    // --- Inline mark: select a span across **bold** and *italic* text of the third reply
    await send('And which river runs through it?');
    const third = await waitForReply(2);
    await third.getByTestId('message-content').evaluate((element) => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      const nodes: Text[] = [];
      while (walker.nextNode()) nodes.push(walker.currentNode as Text);
      const startNode = nodes.find((n) => n.data.includes('the short answer'))!;
      const endNode = nodes.find((n) => n.data === 'Canberra')!;
      const range = document.createRange();
      range.setStart(startNode, startNode.data.indexOf('the short answer'));
      range.setEnd(endNode, endNode.data.length);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      element.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    });
    const popover = page.getByTestId('inline-mark-popover');
    expect(await page.getByTestId('inline-mark-quote').textContent()).toBe('the short answer**: it is *Canberra');
    await page.getByTestId('inline-mark-correction').fill('Vienna, on the Danube');
    await page.getByTestId('inline-mark-submit').click();
    await poll(() => popover.count()).toBe(0);
    await poll(() => third.getByTestId('signal-badge').getAttribute('data-kind'), 30_000).toBe('inline_mark');
    await page.screenshot({ path: join(screenshots, 'chat.png') });

    // --- Stop a reply mid-way (Esc), then regenerate it
    await send('Tell me more about it.');
    const fourth = assistantMessages().nth(3);
    await poll(async () => (await fourth.getByTestId('message-content').textContent())?.length ?? 0, 30_000).toBeGreaterThan(5);
    await page.keyboard.press('Escape');
    await waitForReply(3, 'stopped');
    expect(await fourth.getByTestId('message-stopped').count()).toBe(1);
    const stoppedText = (await fourth.getByTestId('message-content').textContent()) ?? '';
    expect(stoppedText.length).toBeLessThan(REPLY.length - 40);
    await poll(() => page.getByTestId('send-button').count()).toBe(1);
    const stoppedId = await fourth.getAttribute('data-message-id');
    await fourth.getByTestId('regenerate').click();
    await poll(() => assistantMessages().nth(3).getAttribute('data-message-id'), 30_000).not.toBe(stoppedId);
    await waitForReply(3);
    expect(await assistantMessages().count()).toBe(4);

    // --- The Learning tab: one row per signal (correction, thumbs up, inline mark; regenerating after
    // the user's own Stop judges nothing), each with its life folded in: sent, then stored by the box.
    await page.getByTestId('tab-timeline').click();
    expect(await page.getByTestId('timeline-title').textContent()).toBe('Learning — Geography tutor');
    const rows = page.getByTestId('signal-row');
    await poll(() => rows.count(), 60_000).toBe(3);
    await poll(async () => (await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-stage')))).join(','), 60_000).toBe(
      'acknowledged,acknowledged,acknowledged',
    );
    await poll(() => page.getByTestId('tile-waiting-value').textContent()).toBe('3');
    await poll(() => page.getByTestId('box-status-counts').textContent(), 30_000).toContain('0 pending');
    // The correction's row opens on its details: what was asked, what the user said next, the hint.
    const correctionRow = page.locator('[data-testid="signal-row"][data-kind="correction"]');
    await poll(() => correctionRow.locator('.row-label').textContent(), 60_000).toBe('Judge: not helpful (3 of 3)');
    await correctionRow.locator('.row-summary').click();
    await poll(() => correctionRow.getByTestId('signal-details').textContent()).toMatch(/You said next: No, I meant the capital of Austria/);
    expect(await correctionRow.getByTestId('signal-details').textContent()).toMatch(/Hint: .*Austria/);

    // --- Review mode: a thumbs-down hint is held until approved (here edited) in the Hints view
    await page.getByTestId('tab-chat').click();
    const tutorRow = page.getByTestId('persona-row').filter({ hasText: 'Geography tutor' });
    await tutorRow.hover();
    await tutorRow.getByRole('button', { name: 'Edit Geography tutor' }).click();
    await page.getByTestId('persona-hint-review').check();
    await page.getByTestId('persona-save').click();
    await poll(() => tutorRow.textContent()).toContain('hints reviewed');
    await page.getByTestId('thread').evaluate((element) => element.scrollTo(0, 0));
    const firstReply = assistantMessages().first();
    await firstReply.getByTestId('thumb-down').click();
    await page.getByTestId('thumb-down-reason').fill('Too long, just name the city and nothing else.');
    await page.getByTestId('thumb-down-submit').click();
    await poll(() => firstReply.getByTestId('signal-badge').getAttribute('data-kind'), 30_000).toBe('thumb_down');
    expect(await firstReply.getByTestId('signal-hint').getAttribute('data-status')).toBe('pending');
    await poll(() => page.getByTestId('box-status-counts').textContent(), 30_000).toContain('1 held');
    await page.getByTestId('tab-hints').click();
    const pendingHint = page.locator('[data-testid="hint-row"][data-status="pending"]');
    await poll(() => pendingHint.count(), 30_000).toBe(1);
    await pendingHint.locator('textarea').fill('Answer with just the city name.');
    await pendingHint.getByTestId('hint-approve').click();
    await poll(() => pendingHint.count(), 30_000).toBe(0);
    await poll(() => page.getByTestId('box-status-counts').textContent(), 60_000).toMatch(/0 pending.*0 held/);

    // --- The trainer (stood in at its HTTP edge) trains two steps; progress reaches the timeline
    let trained = 0;
    for (const [step, loss] of [[1, 0.61], [2, 0.38]] as const) {
      const train = () => runTrainingStep({ boxUrl, token: BOX_TOKEN, step, batchSize: step === 1 ? 2 : 64, loss, policyVersion: `policy-${step}` });
      await poll(async () => (trained = await train()), 60_000).toBeGreaterThan(0);
    }
    expect(trained).toBeGreaterThan(0);
    await page.getByTestId('tab-timeline').click();
    await poll(() => page.getByTestId('tile-policy-value').textContent(), 30_000).toBe('policy-2');
    await poll(async () => Number(await page.getByTestId('tile-trained-value').textContent()), 30_000).toBeGreaterThan(0);
    await poll(() => page.locator('[data-testid="signal-row"][data-stage="trained"]').count(), 30_000).toBeGreaterThan(0);
    await poll(() => page.getByTestId('acceptance-chart').locator('.recharts-line').count(), 30_000).toBeGreaterThan(0);
    await poll(() => page.getByTestId('box-status').textContent(), 30_000).toContain('policy-2');
    await page.screenshot({ path: join(screenshots, 'timeline.png') });

    // --- The box durably holds the correction sample with reward −1 and its hint, and the inline mark
    await poll(() => readBoxSamples().length, 30_000).toBeGreaterThanOrEqual(4);
    const samples = readBoxSamples();
    const correction = samples.find((s) => s.signalKind === 'correction');
    expect(correction).toBeDefined();
    expect(correction!.reward).toBe(-1);
    expect(correction!.rewardSource).toBe('heuristic');
    expect(correction!.hint).toMatch(/Austria/);
    expect(correction!.nextState).toEqual({ role: 'user', content: 'No, I meant the capital of Austria, not Australia.' });
    expect(correction!.response).toBe(REPLY);
    const mark = samples.find((s) => s.signalKind === 'inline_mark');
    expect(mark).toMatchObject({ reward: -1, rewardSource: 'explicit' });
    expect(mark!.hint).toMatch(/Vienna, on the Danube/);
    expect(samples.find((s) => s.signalKind === 'thumb_up')).toMatchObject({ reward: 1 });
    // The regenerated reply had been stopped by the user: asking again is not a −1.
    expect(samples.find((s) => s.signalKind === 'regenerate')).toBeUndefined();
    // The reviewed hint travels as the user approved it, and with it the reason it was built from.
    expect(samples.find((s) => s.signalKind === 'thumb_down')).toMatchObject({
      reward: -1,
      hint: 'Answer with just the city name.',
      nextState: { role: 'feedback', content: 'thumbs down: Too long, just name the city and nothing else.' },
    });

    // Nothing in the page broke the CSP or threw.
    expect(pageProblems).toEqual([]);
  }, 300_000);

  it('edits a reply, renames a conversation and shows a failed reply inline with its stored error', async () => {
    await page.getByTestId('tab-chat').click();
    await page.getByTestId('thread').evaluate((element) => element.scrollTo(0, 0));

    // Edit reply: the rewrite becomes an explicit 'edit' signal on that reply.
    const second = assistantMessages().nth(1);
    await second.getByTestId('edit-reply').click();
    await page.getByTestId('edit-reply-text').fill('Vienna is the capital of Austria.');
    await page.getByTestId('edit-reply-save').click();
    await poll(() => second.getByTestId('signal-badge').getAttribute('data-kind'), 30_000).toBe('edit');

    // Rename the conversation from the sidebar (keyboard only after the click).
    const row = page.getByTestId('conversation-row').first();
    await row.hover();
    await row.getByRole('button', { name: /^Rename / }).click();
    const title = row.getByRole('textbox', { name: 'Conversation title' });
    await title.fill('Capitals');
    await title.press('Enter');
    await poll(() => row.textContent(), 30_000).toContain('Capitals');

    // A policy endpoint that refuses connections: the reply fails and shows the stored error text.
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-policy-endpoint').fill('http://127.0.0.1:9/v1');
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-message').textContent()).toBe('Settings saved.');
    await page.keyboard.press('Escape');
    await send('Is anyone there?');
    const failed = assistantMessages().last();
    await poll(() => failed.getAttribute('data-status'), 60_000).toBe('error');
    const shown = (await failed.getByTestId('message-error').textContent()) ?? '';
    expect(shown.length).toBeGreaterThan(5);
    await page.screenshot({ path: join(screenshots, 'chat-error.png') });
    expect(pageProblems).toEqual([]);
  }, 180_000);
});

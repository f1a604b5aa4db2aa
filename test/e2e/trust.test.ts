import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOX_DATABASE_FILE } from '../../box/gateway/gateway-config';
import { ProgressEventSchema, type ProgressEvent } from '../../shared/protocol/box-stream';
import { startOpenAiStreamServer, type OpenAiStreamServer } from '../electron/core/openai-stream-server';
import { startBrowserMode } from './support/browser-mode-process';
import { openWatchedPage } from './support/chromium';
import { startReadyProcess, type ReadyProcess } from './support/child-process';
import { runTrainingStep } from './support/trainer-stand-in';

/**
 * Rewards you can trust, end to end in real parts: the SGLang test engine (policy and judge: it
 * answers judge prompts with three \boxed{-1} votes), the box gateway with its default judge, browser
 * mode in Chromium, the trainer at its HTTP edge, and a small OpenAI-compatible server that stands
 * for another model's endpoint.
 */

const repo = resolve(import.meta.dirname, '..', '..');
const screenshots = join(repo, 'test-results', 'screenshots');
const BOX_TOKEN = 'e2e-trust-box-token-0123456789';
const REPLY = 'The capital of Australia is Sydney.';
const OTHER_REPLY = 'An answer from another model: Canberra.';

const temp = mkdtempSync(join(tmpdir(), 'apprentice-e2e-trust-'));
const processes: ReadyProcess[] = [];
let other: OpenAiStreamServer | null = null;
let context: BrowserContext | null = null;
let page: Page;
let boxUrl: string;
let boxDataDir: string;
let pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(repo, 'out', 'renderer', 'index.html'))) {
    throw new Error('out/renderer/index.html is missing: run `npm run build` first (npm test does).');
  }
  const engine = await startReadyProcess({
    name: 'SGLang test engine',
    script: 'test/support/sglang-test-engine-cli.ts',
    args: ['--port', '0', '--reply', REPLY, '--judge-votes=-1,-1,-1', '--judge-hint', 'Name Canberra as the capital.', '--exit-on-stdin-close'],
    ready: /SGLang test engine ready at (http:\/\/\S+)/,
    cwd: repo,
  });
  processes.push(engine);
  boxDataDir = join(temp, 'box');
  // The judge is not named anywhere: it is on by default.
  const box = await startReadyProcess({
    name: 'box gateway',
    script: 'box/main.ts',
    args: ['--sglang', engine.match[1]!, '--port', '0', '--token', BOX_TOKEN, '--data-dir', boxDataDir],
    ready: /Apprentice box gateway listening on (http:\/\/\S+)/,
    cwd: repo,
    env: { APPRENTICE_JUDGE_VOTES: '', APPRENTICE_ONPOLICY_SAMPLES: '1' },
  });
  processes.push(box);
  boxUrl = box.match[1]!;
  const web = await startBrowserMode(join(temp, 'app'));
  processes.push(web.process);
  other = await startOpenAiStreamServer();
  other.script({ chunks: OTHER_REPLY.split(/(?<= )/) });

  ({ context, page, problems: pageProblems } = await openWatchedPage(join(temp, 'chromium-profile'), web.url));
}, 180_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  for (const child of processes.reverse()) await child.stop();
  await other?.close();
  rmSync(temp, { recursive: true, force: true });
}, 60_000);

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

async function waitForReply(index: number): Promise<Locator> {
  const reply = assistantMessages().nth(index);
  await poll(() => reply.getAttribute('data-status'), 60_000).toBe('complete');
  return reply;
}

function boxDb<T>(read: (db: Database.Database) => T): T {
  const db = new Database(join(boxDataDir, BOX_DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function boxProgress(): ProgressEvent[] {
  const rows = boxDb((db) => db.prepare('SELECT seq, body FROM progress_events ORDER BY seq').all()) as Array<{ seq: number; body: string }>;
  return rows.map((r) => ProgressEventSchema.parse({ ...(JSON.parse(r.body) as object), seq: r.seq }));
}

function trainedSources(): string[] {
  const rows = boxDb((db) => db.prepare(`SELECT DISTINCT source_sample_id FROM training_samples WHERE state IN ('trained', 'trained_unsaved')`).all()) as Array<{
    source_sample_id: string;
  }>;
  return rows.map((r) => r.source_sample_id);
}

describe('rewards you can trust (browser mode, real box gateway with its judge, real Chromium)', () => {
  it('the box judge decides an inferred reward, a removed signal never trains, and another model\'s reply is not trained', async () => {
    // --- Box connection
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-box-url').fill(boxUrl);
    await page.getByTestId('settings-box-token').fill(BOX_TOKEN);
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-token-state').textContent()).toContain('token saved');
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('box-status').getAttribute('data-state'), 30_000).toBe('connected');
    await page.getByTestId('new-conversation').click();

    // --- An inferred correction: shown at once, decided by the box's judge (3 votes) afterwards
    await send('What is the capital of Australia?');
    const first = await waitForReply(0);
    expect(await first.getByTestId('not-from-box').count()).toBe(0);
    await send('No, I meant the capital city, it is Canberra.');
    await waitForReply(1);
    const inferred = first.getByTestId('signal-badge');
    await poll(() => inferred.getAttribute('data-kind'), 30_000).toBe('correction');
    await poll(() => inferred.getAttribute('data-decided-by'), 60_000).toBe('judge');
    expect(await inferred.getAttribute('data-fate')).toBe('will_train');
    expect(await first.getByTestId('signal-trust').textContent()).toBe('judge 3-0 · will train');
    const judged = boxProgress().find((e) => e.kind === 'sample_ready' && e.verdict?.decidedBy === 'judge');
    expect(judged?.verdict).toEqual({ decidedBy: 'judge', reward: -1, judgeTally: { plus: 0, minus: 3, zero: 0, invalid: 0 }, fate: 'will_train' });

    // --- 👍 then 👍 again: one thumb, toggled off; the box withdraws it and it never trains
    const second = assistantMessages().nth(1);
    await second.getByTestId('thumb-up').click();
    const thumb = second.getByTestId('signal-badge');
    await poll(() => thumb.getAttribute('data-kind'), 30_000).toBe('thumb_up');
    expect(await second.getByTestId('thumb-up').getAttribute('aria-pressed')).toBe('true');
    // Delivered and built, so the removal has to reach the box.
    await poll(() => boxProgress().filter((e) => e.kind === 'sample_ready').length, 60_000).toBe(2);
    const thumbSampleId = boxProgress().filter((e) => e.kind === 'sample_ready').at(-1)!.sampleIds[0]!;
    await second.getByTestId('thumb-up').click();
    await poll(() => thumb.getAttribute('data-fate'), 30_000).toBe('removed');
    expect(await second.getByTestId('thumb-up').getAttribute('aria-pressed')).toBe('false');
    expect(await second.getByTestId('signal-trust').textContent()).toBe('removed — not trained');
    await poll(() => boxProgress().some((e) => e.kind === 'withdrawn' && e.sampleIds.includes(thumbSampleId)), 30_000).toBe(true);

    // --- The policy endpoint points at another model: its reply is marked, and a thumb on it is not trained
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-policy-endpoint').fill(`${other!.url}/v1`);
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByTestId('settings-message').textContent()).toBe('Settings saved.');
    await page.keyboard.press('Escape');
    await send('Which city is it then?');
    const third = await waitForReply(2);
    expect(await third.getByTestId('message-content').textContent()).toContain('An answer from another model');
    expect(await third.getByTestId('not-from-box').textContent()).toBe("not from your box's model — not trained");
    await third.getByTestId('thumb-up').click();
    const otherThumb = third.getByTestId('signal-badge');
    await poll(() => otherThumb.getAttribute('data-fate'), 30_000).toBe('not_from_policy');
    await poll(() => boxProgress().filter((e) => e.kind === 'not_trained').length, 60_000).toBeGreaterThan(0);
    const refused = boxProgress().find((e) => e.kind === 'not_trained' && e.verdict?.decidedBy === 'user')!;
    expect(refused.message).toMatch(/^Not trained: not from your box's model/);
    const otherSampleId = refused.sampleIds[0]!;
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'trust-chat.png') });

    // --- Training: the judged correction trains; the removed thumb and the other model's reply never do
    let trained = 0;
    for (const step of [1, 2]) {
      await poll(async () => (trained += await runTrainingStep({ boxUrl, token: BOX_TOKEN, step, batchSize: 64, loss: 0.5, policyVersion: `p${step}`, waitMs: 2_000 })), 60_000).toBeGreaterThan(0);
    }
    const trainedIds = trainedSources();
    expect(trainedIds).toContain(judged!.sampleIds[0]);
    expect(trainedIds).not.toContain(thumbSampleId);
    expect(trainedIds).not.toContain(otherSampleId);
    expect(boxDb((db) => db.prepare('SELECT COUNT(*) AS n FROM training_samples WHERE source_sample_id = ?').get(otherSampleId))).toEqual({ n: 0 });
    await poll(() => inferred.getAttribute('data-fate'), 30_000).toBe('trained');

    // --- The Learning tab says, one row per signal, who decided it and whether it trains
    await page.getByTestId('tab-timeline').click();
    const row = (signalId: string) => page.locator(`[data-testid="signal-row"][data-signal-id="${signalId}"]`);
    const judgedRow = row(judged!.sampleIds[0]!);
    await poll(() => judgedRow.locator('.row-label').textContent(), 30_000).toBe('Judge: not helpful (3 of 3)');
    await poll(() => judgedRow.getByTestId('life-steps').textContent(), 30_000).toMatch(/trained in step \d/);
    await judgedRow.locator('.row-summary').click();
    expect(await judgedRow.getByTestId('signal-details').textContent()).toContain('Decided by: The judge, 3 of 3 votes');
    await poll(() => row(thumbSampleId).getByTestId('life-steps').textContent(), 30_000).toBe('removed — not trained');
    await poll(() => row(otherSampleId).getByTestId('life-steps').textContent(), 30_000).toBe("not from your box's model — not trained");
    await poll(() => page.getByTestId('tile-not-training-value').textContent(), 30_000).toBe('2');
    await page.screenshot({ path: join(screenshots, 'trust-timeline.png') });

    expect(pageProblems).toEqual([]);
  }, 360_000);
});

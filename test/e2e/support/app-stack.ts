import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createCore, type Core } from '../../../electron/core/create-core';
import { startBrowserServer, type BrowserServer } from '../../../electron/web/browser-server';
import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';
import { writeQwen3ModelFolder } from '../../support/qwen3-model-folder';
import { startSglangTestEngine, type JudgeBehaviour, type ReplyContext, type SglangTestEngine } from '../../support/sglang-test-engine';
import { openWatchedPage } from './chromium';
import { startReadyProcess, type ReadyProcess } from './child-process';

/**
 * The app in real parts for one e2e file: the SGLang test engine (in this process, so a test can
 * read exactly what it was asked), the box gateway (its own process), the real core with browser
 * mode's server (in this process, so a test can arrange settings through the IPC contract), and
 * real Chromium on the built UI.
 */
export const repo = resolve(import.meta.dirname, '..', '..', '..');
export const screenshotDir = join(repo, 'test-results', 'screenshots');
export const BOX_TOKEN = 'e2e-box-token-0123456789';

export interface AppStack {
  engine: SglangTestEngine;
  boxUrl: string;
  boxDataDir: string;
  core: Core;
  page: Page;
  context: BrowserContext;
  pageUrl: string;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  /** The chat requests the engine received, newest last (bodies as sent). */
  chatRequests(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface AppStackOptions {
  reply?: (context: ReplyContext) => string;
  tokenLatencyMs?: number;
  /** Default true: the app talks to the engine through the box gateway (and delivers signals to it). */
  withBox?: boolean;
  /** How the engine answers the box judge's prompts (default: three votes of −1, a judge that agrees with corrections). */
  judge?: JudgeBehaviour | null;
}

export async function startAppStack(options: AppStackOptions = {}): Promise<AppStack> {
  if (!existsSync(join(repo, 'out', 'renderer', 'index.html'))) {
    throw new Error('out/renderer/index.html is missing: run `npm run build` first (npm test does).');
  }
  const temp = mkdtempSync(join(tmpdir(), 'apprentice-e2e-'));
  const modelDir = writeQwen3ModelFolder();
  const closers: Array<() => Promise<void>> = [];
  const engine = await startSglangTestEngine({
    modelPath: modelDir,
    behaviour: {
      reply: options.reply ? { kind: 'function', reply: options.reply } : { kind: 'echo' },
      tokenLatencyMs: options.tokenLatencyMs ?? 2,
      judge: options.judge === undefined ? { votes: [-1, -1, -1], hint: null } : options.judge,
    },
  });
  closers.push(() => engine.close());

  const boxDataDir = join(temp, 'box');
  let box: ReadyProcess | null = null;
  if (options.withBox !== false) {
    box = await startReadyProcess({
      name: 'box gateway',
      script: 'box/main.ts',
      args: ['--sglang', engine.url, '--port', '0', '--data-dir', boxDataDir],
      env: { APPRENTICE_BOX_TOKEN: BOX_TOKEN },
      ready: /Apprentice box gateway listening on (http:\/\/\S+)/,
      cwd: repo,
    });
    closers.push(() => box!.stop());
  }

  const core = createCore({ dataDir: join(temp, 'app'), mode: 'browser', version: 'e2e', log: () => {} });
  closers.push(() => core.close());
  const server: BrowserServer = await startBrowserServer({ core, port: 0, rendererDir: join(repo, 'out', 'renderer') });
  closers.push(() => server.close());

  const invoke = async <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> => {
    const result = await core.handle(channel, request);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.result as InvokeResponse<C>;
  };
  const boxUrl = box ? box.match[1]! : '';
  if (box) {
    await invoke('settings:update', { box: { url: boxUrl } });
    await invoke('settings:setBoxToken', { token: BOX_TOKEN });
  } else {
    await invoke('settings:update', { policy: { endpoint: `${engine.url}/v1` } });
  }

  mkdirSync(screenshotDir, { recursive: true });
  const { context, page, problems } = await openWatchedPage(join(temp, 'chromium-profile'), server.url);
  closers.push(() => context.close().catch(() => undefined));

  return {
    engine,
    boxUrl,
    boxDataDir,
    core,
    page,
    context,
    pageUrl: server.url,
    problems,
    invoke,
    chatRequests: () =>
      engine.requests
        .filter((r) => r.path === '/v1/chat/completions' && r.body !== null)
        .map((r) => r.body as Record<string, unknown>),
    async close() {
      // Browser first, then the app (it holds the box link), then the box, then the engine.
      for (const close of closers.reverse()) await close();
      rmSync(temp, { recursive: true, force: true });
      rmSync(modelDir, { recursive: true, force: true });
    },
  };
}

/** expect.poll with a timeout that suits a loaded 2-core machine (vitest's default is 1 s). */
export function poll<T>(read: () => T | Promise<T>, timeout = 30_000): ReturnType<typeof expect.poll<T>> {
  return expect.poll(read, { timeout, interval: 100 });
}

export function messages(page: Page, role?: 'user' | 'assistant'): Locator {
  return page.locator(role ? `[data-testid="message"][data-role="${role}"]` : '[data-testid="message"]');
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
}

/** Waits until the assistant reply at `index` has this status; returns it. */
export async function waitForReply(page: Page, index: number, status = 'complete'): Promise<Locator> {
  const reply = messages(page, 'assistant').nth(index);
  await poll(() => reply.getAttribute('data-status'), 60_000).toBe(status);
  return reply;
}

/** The chat requests that asked for a reply in a thread (title requests left out), oldest first. */
export function replyRequests(stack: AppStack): Array<Record<string, unknown>> {
  return stack
    .chatRequests()
    .filter((body) => body.stream === true && !JSON.stringify(body.messages).includes('Name this conversation.'));
}

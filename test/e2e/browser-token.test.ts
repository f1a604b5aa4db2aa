import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchChromium } from './support/chromium';
import { startReadyProcess, type ReadyProcess } from './support/child-process';

/**
 * Browser mode's per-run token opens the IPC ws, which reads every chat and can repoint the box.
 * Another server on 127.0.0.1 (any port, any local user) must never see it: not in a cookie (cookies
 * are not separated by port), not in a URL, not in a Referer.
 */

const repo = resolve(import.meta.dirname, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'apprentice-token-e2e-'));
let web: ReadyProcess;
let context: BrowserContext | null = null;
let spy: Server;
let spyPort: number;
const seen: string[] = [];

function describeRequest(req: IncomingMessage): string {
  return `${req.method} ${req.url}\n${Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('\n')}`;
}

beforeAll(async () => {
  spy = createServer((req, res) => {
    seen.push(describeRequest(req));
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>another local server</title><img src="/pixel.png">');
  });
  await new Promise<void>((ready) => spy.listen(0, '127.0.0.1', ready));
  spyPort = (spy.address() as AddressInfo).port;
  web = await startReadyProcess({
    name: 'browser mode',
    script: 'electron/web/main.ts',
    args: ['--port', '0', '--data-dir', join(temp, 'app')],
    ready: /Apprentice \(browser mode\) ready at (http:\/\/127\.0\.0\.1:(\d+)\/\S+)/,
    cwd: repo,
  });
  context = await launchChromium(join(temp, 'chromium-profile'));
}, 180_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await web?.stop();
  await new Promise<void>((done) => spy?.close(() => done()));
  rmSync(temp, { recursive: true, force: true });
}, 60_000);

describe('browser mode token', () => {
  it('works for the app page and never reaches another server on 127.0.0.1 or localhost', async () => {
    const appUrl = web.match[1]!;
    const token = /token=([^&#\s]+)/.exec(appUrl)![1]!;
    const page = await context!.newPage();
    await page.goto(appUrl);
    // The app reached its core over the ws: the default persona is listed.
    await expect.poll(() => page.getByTestId('persona-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // The token left the address bar, and a reload (same tab) still connects.
    expect(page.url()).not.toContain(token);
    await page.reload();
    await expect.poll(() => page.getByTestId('persona-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    // The same browser then visits other local servers, directly and by a link from the app's origin.
    const other = await context!.newPage();
    await other.goto(`http://127.0.0.1:${spyPort}/`);
    await other.goto(`http://localhost:${spyPort}/from-localhost`);
    await page.evaluate((href) => {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = 'elsewhere';
      document.body.append(a);
    }, `http://127.0.0.1:${spyPort}/followed-link`);
    await Promise.all([context!.waitForEvent('page').catch(() => undefined), page.click('text=elsewhere', { modifiers: ['Shift'] })]);
    await expect.poll(() => seen.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(4);

    expect(seen.join('\n\n')).not.toContain(token);
    expect(seen.join('\n\n')).not.toContain(encodeURIComponent(token));
    for (const cookie of await context!.cookies()) expect(cookie.value).not.toContain(token);
  });

  it('serves the static UI without the token but opens the IPC ws only with it', async () => {
    const base = `http://127.0.0.1:${web.match[2]!}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    const status = await new Promise<number>((done) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ipc`);
      ws.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.terminate();
        done(101);
      });
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });
});

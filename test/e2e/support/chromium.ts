import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless Chromium with a fresh profile and no background traffic. */
export async function launchChromium(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1360, height: 860 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Page errors, console errors and CSP violations, in order (a test expects none). */
  problems: string[];
}

/**
 * Chromium (a fresh profile in `userDataDir`) with the app open at `url`, collecting what went wrong
 * on the page. `beforeOpen` may add init scripts of its own before the page loads.
 */
export async function openWatchedPage(
  userDataDir: string,
  url: string,
  beforeOpen?: (context: BrowserContext) => Promise<unknown>,
): Promise<WatchedPage> {
  const context = await launchChromium(userDataDir);
  try {
    // Init scripts run outside the page's CSP, so they can watch for violations.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await beforeOpen?.(context);
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
    });
    await page.goto(url);
    return { context, page, problems };
  } catch (error) {
    await context.close().catch(() => undefined);
    throw error;
  }
}

// Browser-test support: Debian's Chromium through playwright-core, and the real dashboard served against a test API.
import { spawn } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../scripts/services/ports.js';
import { waitFor, type TestPlatform } from './platform.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Without the background-networking flags Chromium keeps calling out of this closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface Dashboard {
  /** The dashboard's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  apiUrl: string;
  stop(): void;
}

/** Free ports for the API and the dashboard, known before the platform starts (its allowed origins need the dashboard's). */
async function dashboardPorts(): Promise<{ apiPort: number; webPort: number; url: string }> {
  const [apiPort, webPort] = await Promise.all([freePort(), freePort()]);
  return { apiPort, webPort, url: `http://127.0.0.1:${webPort}` };
}

/** Serves the platform's API on `apiPort` and the built dashboard (web/build) on `webPort`, proxying /api to it. */
async function serveDashboard(platform: TestPlatform, ports: { apiPort: number; webPort: number; url: string }): Promise<Dashboard> {
  const apiUrl = `http://127.0.0.1:${ports.apiPort}`;
  const api = platform.app.listen(ports.apiPort, '127.0.0.1');
  const web = spawn(process.execPath, ['web/build/index.js'], {
    env: { ...process.env, PORT: String(ports.webPort), HOST: '127.0.0.1', ORIGIN: ports.url, API_URL: apiUrl },
    stdio: 'ignore',
  });
  await waitFor('dashboard', async () => (await fetch(`${ports.url}/signin`)).ok, 30_000);
  return {
    url: ports.url,
    apiUrl,
    stop() {
      web.kill('SIGTERM');
      api.closeAllConnections();
      api.close();
    },
  };
}

/** What a dashboard test file runs against; filled in by the time its first test runs. */
export interface BrowserTest<T> {
  /** What the file's `start` returned: the platform, or a harness holding it. */
  started: T;
  dashboard: Dashboard;
  browser: Browser;
}

export interface BrowserTestOptions<T> {
  /** Starts the platform; `origins` holds the dashboard's, which the API must allow; `api.url` is where the API will listen. */
  start(origins: string[], api: { url: string }): Promise<T>;
  /** Clean-up that needs the platform still up; runs after Chromium is closed, while the API still listens. */
  beforeStop?(started: T): Promise<void>;
  /** The setup's time limit: the whole suite shares two cores. */
  setupTimeoutMs?: number;
}

/**
 * Registers the setup every dashboard test file shares. Before its tests: free ports, the platform from `start`, the
 * built dashboard served against it, Chromium. After them: Chromium closed, `beforeStop`, the dashboard closed, the
 * platform stopped. Hooks the file registers before this call run before the setup and (vitest runs afterAll hooks last-in
 * first-out) after the teardown: the place for what the platform needs, such as a paper exchange.
 */
export function useBrowserTest<T extends TestPlatform | { platform: TestPlatform; stop(): Promise<void> }>(
  options: BrowserTestOptions<T>,
): BrowserTest<T> {
  // Filled step by step, so the teardown stops whatever a failed setup had started.
  const t: Partial<BrowserTest<T>> = {};
  beforeAll(async () => {
    const ports = await dashboardPorts();
    const started = (t.started = await options.start([ports.url], { url: `http://127.0.0.1:${ports.apiPort}` }));
    t.dashboard = await serveDashboard('platform' in started ? started.platform : started, ports);
    t.browser = await launchChromium();
  }, options.setupTimeoutMs ?? 120_000);
  afterAll(async () => {
    await t.browser?.close();
    // The clean-up talks to the API (dashboard.apiUrl): its listener closes only after it. (It closed first once, and
    // every clean-up request failed unseen: two bot processes outlived each CI run.)
    try {
      if (t.started) await options.beforeStop?.(t.started);
    } finally {
      t.dashboard?.stop();
      await t.started?.stop();
    }
  });
  return t as BrowserTest<T>;
}

/** A browser context signed in as a user of the API: their session cookie (`name=value`) set for the dashboard. */
export async function signedInContext(
  browser: Browser,
  dashboardUrl: string,
  cookie: string,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name: name!, value: value!, url: dashboardUrl }]);
  return context;
}

/**
 * The exchange accounts a dashboard test adds through the accounts page's form, deleted through the API when it is
 * done: an account's wallet-sync schedule would outlive the test's task queue.
 */
export class BrowserAccounts {
  private readonly ids: string[] = [];
  private cookie = '';

  /** Fills in and submits the form of the accounts page `page` shows, and waits for the new account's page. */
  async add(page: Page, account: { label: string; apiKey: string; secret: string }): Promise<string> {
    await page.getByTestId('account-form-label').fill(account.label);
    await page.getByTestId('account-form-api-key').fill(account.apiKey);
    await page.getByTestId('account-form-secret').fill(account.secret);
    await page.getByTestId('account-create-submit').click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    const id = page.url().split('/').at(-1)!;
    this.ids.push(id);
    this.cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    return id;
  }

  /** Deletes them as their owner; a deletion that fails is reported and does not fail the test. */
  async removeAll(dashboard: Dashboard): Promise<void> {
    for (const id of this.ids) {
      const res = await fetch(`${dashboard.apiUrl}/api/exchange-accounts/${id}`, { method: 'DELETE', headers: { cookie: this.cookie, origin: dashboard.url } }).catch(
        (error: Error) => error,
      );
      if (res instanceof Error) console.warn(res.message);
      else if (res.status !== 204) console.warn(`deleting exchange account ${id} answered ${res.status}`);
    }
  }
}

/**
 * Waits until a locator's `data-value` (a number the page keeps live) is one `accepts`, or says what it showed last.
 * `what` names it in the failure.
 */
export async function waitForDataValue(what: string, locator: Locator, expected: number, accepts: (shown: string) => boolean, timeoutMs = 45_000): Promise<void> {
  let shown: string | null = null;
  try {
    await waitFor(`${what} = ${expected}`, async () => {
      shown = await locator.getAttribute('data-value', { timeout: 1000 });
      return shown !== null && accepts(shown);
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${what} never showed ${expected} (last shown: ${shown ?? 'nothing'}): ${(error as Error).message}`);
  }
}

/** Opens `path` and waits until the dashboard's scripts run, so typing is not lost to hydration. */
export async function openHydrated(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 60_000 });
}

/** Signs a new user up through the form and waits for the bots page; on failure says where the browser ended and why. */
export async function signUpInBrowser(page: Page, dashboard: string, email: string): Promise<void> {
  await openHydrated(page, `${dashboard}/signup`);
  await page.getByTestId('signup-email').fill(email);
  await page.getByTestId('signup-password').fill('correct horse battery');
  await page.getByTestId('signup-submit').click();
  // Generous: the whole suite shares two cores.
  await page.waitForURL(/\/bots$/, { timeout: 90_000 }).catch(async (error: Error) => {
    const alerts = await page.getByRole('alert').allTextContents().catch(() => []);
    throw new Error(`${error.message}\n  ended on ${page.url()}${alerts.length ? `, errors shown: ${alerts.join(' | ')}` : ''}`);
  });
}

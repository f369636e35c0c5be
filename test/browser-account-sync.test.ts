// Browser, an exchange account's "Sync now" (playwright-core + Debian's chromium, a paper exchange): the page says the
// sync is running, then its result with the sync's time to the second, and shows the new balances; a sync the
// exchange fails reports the error; between syncs the balances refresh by themselves and say when.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { startTestExchange } from '../exchange/test-support.js';
import { BrowserAccounts, signUpInBrowser, useBrowserTest } from './browser-support.js';
import { startPlatform } from './platform.js';

const TO_THE_SECOND = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/;

let ex: PaperExchangeHandle;
const accounts = new BrowserAccounts();

beforeAll(async () => {
  ex = await startTestExchange();
});
afterAll(async () => {
  await ex?.close();
});

const t = useBrowserTest({
  start: (origins) => startPlatform({ env: { PAPER_EXCHANGE_URL: ex.url, TF_DATA_DIR: '.data/test-browser-account-sync' }, origins }),
});

describe('Sync now on an exchange account', () => {
  it('shows the sync running, then its time and result and the new balances; a failed sync shows its error', async () => {
    const paper = ex.createAccount({ balances: { USDT: '100' } });
    const page = await t.browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await syncStory(page, paper);
    } finally {
      await page.close();
      // The account's wallet-sync schedule outlives the test's task queue: deleting it (while the API listens) removes it.
      await accounts.removeAll(t.dashboard);
    }
  }, 180_000);
});

/** Signs up, adds the account, syncs it by hand twice: once as it works, once as the exchange fails. */
async function syncStory(page: Page, paper: { id: string; apiKey: string; secret: string }): Promise<void> {
  await signUpInBrowser(page, t.dashboard.url, `account-sync-${Date.now()}@example.com`);
  await page.getByTestId('nav-accounts').click();
  await page.waitForURL(/\/accounts$/);
  await accounts.add(page, { label: 'Synced by hand', apiKey: paper.apiKey, secret: paper.secret });
  const usdt = page.getByTestId('balance-row').and(page.locator('[data-asset="USDT"]'));
  await usdt.waitFor({ timeout: 30_000 });
  await expect(usdt.getAttribute('data-total')).resolves.toBe('100');
  await expect(page.getByTestId('snapshot-taken-at').innerText()).resolves.toMatch(TO_THE_SECOND);

  // Between syncs the page looks again by itself every 10 s and says when it last did.
  const checked = await page.getByTestId('snapshot-checked-at').innerText();
  await expect.poll(() => page.getByTestId('snapshot-checked-at').innerText(), { timeout: 25_000 }).not.toBe(checked);

  // The wallet changes on the exchange; "Sync now" says it runs, then when it synced and that it worked.
  ex.setBalances(paper.id, { USDT: '250' });
  await page.getByTestId('account-sync').click();
  const result = page.getByTestId('account-sync-result');
  await result.and(page.locator('[data-result="running"]')).waitFor({ timeout: 5_000 });
  await expect(result.innerText()).resolves.toMatch(/Syncing with paper/);
  await result.and(page.locator('[data-result="done"]')).waitFor({ timeout: 30_000 });
  await expect(result.innerText()).resolves.toMatch(new RegExp(`Synced at ${TO_THE_SECOND.source}: balances read successfully`));
  // The new balances follow the result as the page reloads its data (a moment later on a busy machine).
  await expect.poll(() => usdt.getAttribute('data-total'), { timeout: 15_000 }).toBe('250');
  await expect(page.getByTestId('account-last-sync').innerText()).resolves.toMatch(TO_THE_SECOND);

  // Every call with this key fails: after the activity's retries the page names the error.
  ex.injectFault({ kind: 'error', status: 503, count: 1000, apiKey: paper.apiKey });
  try {
    await page.getByTestId('account-sync').click();
    await result.and(page.locator('[data-result="failed"]')).waitFor({ timeout: 30_000 });
    await expect(result.innerText()).resolves.toMatch(new RegExp(`Sync at ${TO_THE_SECOND.source} failed: \\S`));
    await expect(page.getByTestId('account-last-error-text').innerText()).resolves.not.toBe('none');
  } finally {
    ex.clearFaults();
  }
}

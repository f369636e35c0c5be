// Browser, portfolio (playwright-core + Debian's chromium): a user adds a funded paper exchange account in the real dashboard, sees its balances, and watches /portfolio follow a price move on the paper exchange live, without a reload;
// a dry-run bot's wallet shows as simulated money, apart from the total value.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { adminFetch, startTestExchange } from '../exchange/test-support.js';
import { BrowserAccounts, signUpInBrowser, useBrowserTest, waitForDataValue } from './browser-support.js';
import type { marketFeedWorkflow } from '../workflows/market-feed.js';
import { startPlatform } from './platform.js';
import { createSecretBox } from '../db/secret-box.js';
import { startHostedBot } from './hosted-bot.js';
import { marketFeedWorkflowId } from '../domain/workflow-ids.js';

let ex: PaperExchangeHandle;
let feed: WorkflowHandle<typeof marketFeedWorkflow> | undefined;
const accounts = new BrowserAccounts();

beforeAll(async () => {
  // Manual ticks: BTC moves only when this test sets its price through the admin API.
  ex = await startTestExchange();
});
afterAll(async () => {
  await ex?.close();
});

const t = useBrowserTest({
  // No BOT_DRIVER: the worker publishes the driver it detects, the same fact browser.test.ts reads from the shared database.
  start: (origins) => startPlatform({ env: { PAPER_EXCHANGE_URL: ex.url, TF_DATA_DIR: '.data/test-browser-portfolio' }, origins }),
  async beforeStop() {
    // The account's wallet-sync schedule outlives the test's task queue: deleting the account removes it.
    await accounts.removeAll(t.dashboard);
    // Cancelled, not terminated: the feed's activity hears it through its heartbeat and stops cleanly.
    await feed?.cancel().catch(() => undefined);
  },
});

beforeAll(async () => {
  // The worker's standing market feed, on this test's task queue and under an id of its own, so no other test's
  // platform in the same Temporal namespace shares it.
  feed = await t.started.temporal.workflow.start<typeof marketFeedWorkflow>('marketFeedWorkflow', {
    workflowId: marketFeedWorkflowId('paper', `browser-${randomUUID()}`),
    taskQueue: t.started.config.TEMPORAL_TASK_QUEUE,
    args: [{ exchangeId: 'paper', runForMs: 10 * 60_000 }],
  });
});

async function setBtcPrice(price: number): Promise<void> {
  const res = await adminFetch(ex, 'POST', '/prices/BTCUSDT', { price });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Waits until a test id's `data-value` is `expected` to the cent (the page gets there through the live stream). */
const waitForValue = (page: Page, testid: string, expected: number) =>
  waitForDataValue(testid, page.getByTestId(testid), expected, (shown) => Math.abs(Number(shown) - expected) < 0.01);

describe('portfolio in a real browser', () => {
  it('adds a paper account, shows its value on /portfolio and follows a price move live', async () => {
    await setBtcPrice(50_000);
    const created = await adminFetch(ex, 'POST', '/accounts', { label: 'browser wallet', balances: { USDT: '1000', BTC: '0.02' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const paper = created.body as { apiKey: string; secret: string };
    const walletValue = 1000 + 0.02 * 50_000;

    const page = await t.browser.newPage({ viewport: { width: 1200, height: 900 } });
    await signUpInBrowser(page, t.dashboard.url, `portfolio-${Date.now()}@example.com`);

    // Add the account; the API checks the key against the paper exchange before it answers.
    await page.getByTestId('nav-accounts').click();
    await page.waitForURL(/\/accounts$/);
    await expect(page.getByTestId('account-form-exchange').inputValue()).resolves.toBe('paper');
    await expect(page.getByTestId('account-form-secret').getAttribute('type')).resolves.toBe('password');
    await accounts.add(page, { label: 'Paper wallet', ...paper });

    // The first snapshot arrives in the background; the page looks again by itself until it is there.
    const btcRow = page.getByTestId('balance-row').and(page.locator('[data-asset="BTC"]'));
    await btcRow.waitFor({ timeout: 30_000 });
    await expect(btcRow.getAttribute('data-total')).resolves.toBe('0.02');
    await expect(page.getByTestId('balance-row').count()).resolves.toBe(2);
    await expect(page.getByTestId('account-status').getAttribute('data-status')).resolves.toBe('active');
    await expect(page.getByTestId('account-key-hint').textContent()).resolves.toBe(`…${paper.apiKey.slice(-4)}`);
    expect(await page.content()).not.toContain(paper.secret);

    await page.getByTestId('nav-accounts').click();
    await page.waitForURL(/\/accounts$/);
    await expect(page.getByTestId('account-row').count()).resolves.toBe(1);
    await expect(page.getByTestId('account-status').getAttribute('data-status')).resolves.toBe('active');

    // The portfolio values the wallet at the paper exchange's price and stays connected to the live stream.
    await page.getByTestId('nav-portfolio').click();
    await page.waitForURL(/\/portfolio$/);
    await page.locator('[data-testid="portfolio-live"][data-connected="true"]').waitFor({ timeout: 15_000 });
    await waitForValue(page, 'portfolio-total', walletValue);
    await waitForValue(page, 'portfolio-wallets-total', walletValue);
    await waitForValue(page, 'portfolio-bots-total', 0);
    await page.getByTestId('portfolio-chart').waitFor();
    // A marker on the page's window: still there after the move means the page was not reloaded.
    await page.evaluate('window.beforePriceMove = true');

    // A price move on the exchange reaches the open page through the feed and the SSE stream.
    await setBtcPrice(60_000);
    const movedValue = 1000 + 0.02 * 60_000;
    await waitForValue(page, 'portfolio-total', movedValue);
    await expect(page.evaluate('window.beforePriceMove === true')).resolves.toBe(true);
    await expect(page.getByTestId('portfolio-chart').getAttribute('data-last').then(Number)).resolves.toBeCloseTo(movedValue, 2);
    await expect(page.getByTestId('portfolio-live').getAttribute('data-connected')).resolves.toBe('true');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/portfolio.png', fullPage: true });
    await page.close();
  }, 180_000);

  it("labels a dry-run bot's wallet simulated and keeps it out of the total value", async () => {
    const page = await t.browser.newPage({ viewport: { width: 1200, height: 900 } });
    await signUpInBrowser(page, t.dashboard.url, `simulated-${Date.now()}@example.com`);
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const me = (await (await fetch(`${t.dashboard.apiUrl}/api/auth/me`, { headers: { cookie } })).json()) as { user: { id: string } };
    // Dry-run, 40 USDT × 1 pair of simulated capital, no trades.
    const bot = await startHostedBot(t.started.db, createSecretBox(t.started.config.TF_SECRET_KEY), me.user.id, { name: 'Paper only', pairs: ['SOL/USDT'], stakeAmount: 40 });
    try {
      await page.getByTestId('nav-portfolio').click();
      await page.waitForURL(/\/portfolio$/);
      await waitForValue(page, 'portfolio-simulated-total', 40);
      await waitForValue(page, 'portfolio-total', 0);
      await waitForValue(page, 'portfolio-bots-total', 0);
      await expect(page.getByTestId('portfolio-simulated').innerText()).resolves.toMatch(/not in the total value/);
      const stake = page.getByTestId('portfolio-bot-row').and(page.locator(`[data-bot-id="${bot.botId}"]`)).getByTestId('portfolio-bot-stake');
      await expect(stake.innerText()).resolves.toMatch(/40(\.00)?\s*USDT[\s\S]*simulated stake/);
      await expect(page.getByTestId('holding-kind').allInnerTexts()).resolves.toEqual(['bot · simulated']);
    } finally {
      await page.close();
      await bot.close();
    }
  }, 120_000);
});

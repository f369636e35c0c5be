// Browser, guards (playwright-core + Debian's chromium): a user adds a funded paper exchange account, creates a wallet
// guard in the real dashboard (first with a bad trail % and a falling ladder, each shown on its field with the typed
// values kept), watches it follow a price move live on its page and on /guards, edits it (a rule the workflow rejects
// shows on its field) and cancels it; a risk guard's rules edited on its own page (a bad one refused on its field).
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardWatchWorkflowId, guardWorkflowId } from '../domain/workflow-ids.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { DEFAULT_MARKETS } from '../exchange/markets.js';
import { adminFetch, startTestExchange } from '../exchange/test-support.js';
import { BrowserAccounts, openHydrated, signedInContext, signUpInBrowser, useBrowserTest, waitForDataValue } from './browser-support.js';
import { ORIGIN, signedUpAgent, startPlatform } from './platform.js';

let ex: PaperExchangeHandle;
const accounts = new BrowserAccounts();

beforeAll(async () => {
  // Manual ticks: BTC moves only when this test sets its price through the admin API. BTC starts at 50,000, so no
  // candle of the exchange's generated history reaches the prices this test sets (a guard's watcher reads the 1m
  // candles since the guard's checkpoint, and the candle that holds it may have started before the guard).
  ex = await startTestExchange({ markets: DEFAULT_MARKETS.map((m) => (m.base === 'BTC' ? { ...m, price: 50_000 } : m)) });
});
afterAll(async () => {
  await ex?.close();
});

const t = useBrowserTest({
  start: (origins) => startPlatform({ env: { PAPER_EXCHANGE_URL: ex.url, TF_DATA_DIR: '.data/test-browser-guards' }, origins }),
  async beforeStop(platform) {
    await accounts.removeAll(t.dashboard);
    // The guard watcher of this test's task queue outlives the platform otherwise.
    await platform.temporal.workflow
      .getHandle(guardWatchWorkflowId('paper', platform.config.TEMPORAL_TASK_QUEUE))
      .cancel()
      .catch(() => undefined);
  },
});

async function setBtcPrice(price: number): Promise<void> {
  const res = await adminFetch(ex, 'POST', '/prices/BTCUSDT', { price });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/**
 * Waits until a locator's `data-value` is `expected` within 0.1 % (the page gets there through the live stream).
 * Guards price at the bid, a basis point under the price the admin API sets.
 */
const waitForValue = (what: string, locator: Locator, expected: number) =>
  waitForDataValue(what, locator, expected, (shown) => shown !== '' && Math.abs(Number(shown) - expected) <= expected * 0.001);

/** Clicks submit and waits for a field error, or says what the page showed instead. */
async function expectFieldError(page: Page, submit: string, field: string, text: RegExp): Promise<void> {
  await page.getByTestId(submit).click();
  const error = page.getByTestId(`error-${field}`);
  await error.waitFor({ timeout: 60_000 }).catch(async (e: Error) => {
    const alerts = await page.getByRole('alert').allTextContents().catch(() => []);
    throw new Error(`no error on ${field}: ${e.message}\n  on ${page.url()}, errors shown: ${alerts.join(' | ') || 'none'}`);
  });
  await expect(error.textContent()).resolves.toMatch(text);
}

describe('guards in a real browser', () => {
  it('creates a wallet guard (errors on the fields first), follows it live, edits and cancels it', async () => {
    await setBtcPrice(50_000);
    const created = await adminFetch(ex, 'POST', '/accounts', { label: 'guarded wallet', balances: { USDT: '1000', BTC: '0.02' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const paper = created.body as { apiKey: string; secret: string };

    const page = await t.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signUpInBrowser(page, t.dashboard.url, `guards-${Date.now()}@example.com`);

    await page.getByTestId('nav-accounts').click();
    await page.waitForURL(/\/accounts$/);
    await accounts.add(page, { label: 'Guarded wallet', ...paper });

    // The create form: with no running bot it starts on a wallet holding.
    await page.getByTestId('nav-guards').click();
    await page.waitForURL(/\/guards$/);
    await page.getByTestId('guards-empty').waitFor();
    await page.getByTestId('new-guard-link').click();
    await page.waitForURL(/\/guards\/new$/);
    await page.waitForSelector('html[data-hydrated="true"]');
    await page.getByTestId('guard-kind-wallet').check();
    await page.getByTestId('guard-symbol').fill('BTC/USDT');
    await page.getByTestId('guard-amount').fill('0.01');
    await page.getByTestId('guard-trail-pct').fill('150');
    await page.getByTestId('guard-tp-price-0').fill('60000');
    await page.getByTestId('guard-tp-fraction-0').fill('0.5');
    await page.getByTestId('guard-tp-add').click();
    await page.getByTestId('guard-tp-price-1').fill('55000');
    await page.getByTestId('guard-tp-fraction-1').fill('0.5');

    // A trail % out of range: the API's schema names trail.trailPct; everything typed stays.
    await expectFieldError(page, 'guard-create-submit', 'trail.trailPct', /below 100/);
    await expect(page.getByTestId('guard-symbol').inputValue()).resolves.toBe('BTC/USDT');
    await expect(page.getByTestId('guard-amount').inputValue()).resolves.toBe('0.01');
    await expect(page.getByTestId('guard-tp-price-1').inputValue()).resolves.toBe('55000');
    await expect(page.getByTestId('guard-trail-pct').getAttribute('aria-invalid')).resolves.toBe('true');

    // A falling ladder: the workflow's check names takeProfit.targets.1.price, shown on row 2's price.
    await page.getByTestId('guard-trail-pct').fill('3');
    await expectFieldError(page, 'guard-create-submit', 'takeProfit.targets.1.price', /rise/);
    await expect(page.getByTestId('guard-tp-price-1').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByTestId('guard-tp-price-1').fill('65000');
    await page.getByTestId('guard-create-submit').click();
    await page.waitForURL(/\/guards\/[0-9a-f-]{36}$/, { timeout: 60_000 }).catch(async (error: Error) => {
      const alerts = await page.getByRole('alert').allTextContents().catch(() => []);
      throw new Error(`${error.message}\n  ended on ${page.url()}, errors shown: ${alerts.join(' | ') || 'none'}`);
    });
    const guardId = page.url().split('/').at(-1)!;

    // Its page: watching, priced, its workflow linked; a price move reaches it live.
    await expect(page.getByTestId('guard-state').first().getAttribute('data-status')).resolves.toBe('watching');
    await expect(page.getByTestId('workflow-link').getAttribute('href')).resolves.toContain(encodeURIComponent(guardWorkflowId(guardId)));
    await page.locator('[data-testid="guard-live"][data-connected="true"]').waitFor({ timeout: 15_000 });
    await page.evaluate('window.beforePriceMove = true');
    await setBtcPrice(52_000);
    await waitForValue('guard peak', page.getByTestId('guard-peak'), 52_000);
    await waitForValue('guard stop', page.getByTestId('guard-stop'), 52_000 * 0.97);
    await expect(page.evaluate('window.beforePriceMove === true')).resolves.toBe(true);
    await expect(page.getByTestId('guard-next-target').textContent()).resolves.toContain('#1 at 60,000');

    // The list follows the stream too.
    await page.getByTestId('nav-guards').click();
    await page.waitForURL(/\/guards$/);
    const row = page.locator(`[data-testid="guard-row"][data-guard-id="${guardId}"]`);
    await expect(row.getAttribute('data-state')).resolves.toBe('watching');
    await expect(row.getByTestId('guard-target').textContent()).resolves.toBe('Guarded wallet');
    await page.locator('[data-testid="guards-live"][data-connected="true"]').waitFor({ timeout: 15_000 });
    await setBtcPrice(53_000);
    await waitForValue('listed last price', row.getByTestId('guard-last-price'), 53_000);
    await waitForValue('listed peak', row.getByTestId('guard-peak'), 53_000);

    // Edit: a trail % the schema refuses, then a stoploss the workflow refuses, then a good one.
    await row.getByTestId('guard-link').click();
    await page.waitForURL(new RegExp(`/guards/${guardId}$`));
    await page.waitForSelector('html[data-hydrated="true"]');
    await expect(page.getByTestId('guard-edit-trail-pct').inputValue()).resolves.toBe('3');
    await page.getByTestId('guard-edit-trail-pct').fill('150');
    await expectFieldError(page, 'guard-edit-submit', 'trail.trailPct', /below 100/);
    await page.getByTestId('guard-edit-trail-pct').fill('5');
    await page.getByTestId('guard-edit-stoploss-pct').fill('2');
    await expectFieldError(page, 'guard-edit-submit', 'trail.stoplossPct', /at least the trail/);
    await expect(page.getByTestId('guard-edit-trail-pct').inputValue()).resolves.toBe('5');
    await page.getByTestId('guard-edit-stoploss-pct').fill('');
    await page.getByTestId('guard-edit-submit').click();
    await page.getByTestId('guard-edit-saved').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('guard-trail-rule').getAttribute('data-trail-pct')).resolves.toBe('5');
    await page.locator('[data-testid="guard-event"][data-kind="edited"]').waitFor({ timeout: 15_000 });
    await waitForValue('stop after the edit', page.getByTestId('guard-stop'), 53_000 * 0.95);

    // Cancel, confirmed: the guard stops watching and can no longer be edited.
    await page.getByTestId('guard-cancel').click();
    await page.getByTestId('guard-cancel-dialog').waitFor();
    await expect(page.getByTestId('guard-cancel-dialog').isVisible()).resolves.toBe(true);
    await page.getByTestId('guard-cancel-confirm').click();
    await page.getByTestId('guard-cancel-outcome').waitFor({ timeout: 30_000 });
    await page.getByTestId('guard-edit-closed').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('guard-state').first().getAttribute('data-status')).resolves.toBe('cancelled');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/guards.png', fullPage: true });
    await openHydrated(page, `${t.dashboard.url}/guards`);
    await expect(page.locator(`[data-testid="guard-row"][data-guard-id="${guardId}"]`).getAttribute('data-state')).resolves.toBe('cancelled');
    await page.close();
  }, 300_000);

  it('edits a risk guard\'s rules on its page, a bad one refused on its field', async () => {
    const user = await signedUpAgent(t.started.app);
    const created = await user.agent.post('/api/risk-guards').set('Origin', ORIGIN).send({ scope: { kind: 'portfolio' }, maxDrawdownPct: 10 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.riskGuard.id;
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie);
    const page = await context.newPage();
    await openHydrated(page, `${t.dashboard.url}/guards`);
    await page.locator(`[data-testid="risk-guard-row"][data-risk-guard-id="${id}"]`).getByTestId('risk-guard-edit').click();
    await page.waitForURL(new RegExp(`/guards/risk/${id}$`));
    await page.waitForSelector('html[data-hydrated="true"]');
    await expect(page.getByTestId('risk-max-drawdown').inputValue()).resolves.toBe('10');

    await page.getByTestId('risk-max-drawdown').fill('150');
    await expectFieldError(page, 'risk-guard-edit-submit', 'maxDrawdownPct', /100/);
    await page.getByTestId('risk-max-drawdown').fill('20');
    await page.getByTestId('risk-max-daily-loss').fill('4');
    await page.getByTestId('risk-guard-edit-submit').click();
    await page.getByTestId('risk-guard-saved').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('risk-guard-rules').textContent()).resolves.toContain('drawdown 20 %, daily loss 4 %');
    expect((await user.agent.get(`/api/risk-guards/${id}`)).body.riskGuard.rules).toMatchObject({ maxDrawdownPct: 20, maxDailyLossPct: 4 });
    await user.agent.delete(`/api/risk-guards/${id}`).set('Origin', ORIGIN);
    await context.close();
  }, 120_000);
});

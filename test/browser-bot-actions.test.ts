// Browser, a bot's risky actions and its create form, at a desktop's 1400 px and a phone's 390 px (playwright-core +
// Debian's chromium, a paper exchange whose price moves only when the test says): the new-bot form marks every wrong
// field after one submit; force-exit asks in a dialog and says the price and profit; Delete asks in a dialog that is in
// view, names the open trade and the guard, exits the trade first and the list says what happened.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor } from './platform.js';
import { holdStrategy } from './held-bot.js';

const SIZES = [
  { name: 'desktop', width: 1400, height: 1000 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let exchange: PaperExchangeHandle;
const bots: Array<{ agent: Awaited<ReturnType<typeof signedUpAgent>>; id: string }> = [];

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'browser-bot-actions', tickMs: 0 });
  exchange.setPrice('BTCUSDT', 50_000);
});
afterAll(async () => {
  await exchange?.close();
});

const t = useBrowserTest({
  start: (origins) => startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url }, origins }),
  async beforeStop() {
    for (const b of bots) await b.agent.agent.delete(`/api/bots/${b.id}`).set('Origin', ORIGIN).catch(() => undefined);
  },
  setupTimeoutMs: 180_000,
});

const fitsWidth = async (page: Page) => expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);

/** The element lies wholly inside the window (the user sees it without scrolling). */
async function expectInView(page: Page, testid: string): Promise<void> {
  const box = await page.getByTestId(testid).boundingBox();
  const size = page.viewportSize()!;
  expect(box, `${testid} has no box`).not.toBeNull();
  expect(box!.y, `${testid} starts above the window`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${testid} ends below the window`).toBeLessThanOrEqual(size.height);
  expect(box!.x + box!.width, `${testid} sticks out on the right`).toBeLessThanOrEqual(size.width);
}

describe('a bot\'s actions in a real browser', () => {
  for (const size of SIZES) {
    it(`at ${size.width} px: every wrong field after one submit, placeholders that are examples, the true default`, async () => {
      const user = await signedUpAgent(t.started.app);
      const context = await signedInContext(t.browser, t.dashboard.url, user.cookie, { viewport: { width: size.width, height: size.height } });
      const page = await context.newPage();
      await openHydrated(page, `${t.dashboard.url}/bots/new`);
      await expect(page.getByTestId('bot-stake-amount').getAttribute('placeholder')).resolves.toMatch(/^e\.g\. /);
      await expect(page.getByTestId('bot-pairs').getAttribute('placeholder')).resolves.toMatch(/^e\.g\. /);
      await expect(page.getByTestId('bot-strategy-default').textContent()).resolves.toContain('RSI mean reversion');

      await page.getByTestId('bot-pairs').fill('BTCUSDT, ETH/USDT');
      await page.getByTestId('bot-stake-amount').fill('0');
      await page.getByTestId('bot-create-submit').click();
      await page.getByTestId('error-name').waitFor({ timeout: 30_000 });
      await expect(page.getByTestId('error-name').textContent()).resolves.toMatch(/required/);
      await expect(page.getByTestId('error-pairs').textContent()).resolves.toMatch(/BTCUSDT/);
      await expect(page.getByTestId('error-stakeAmount').textContent()).resolves.toMatch(/greater than 0/);
      for (const id of ['bot-name', 'bot-pairs', 'bot-stake-amount']) await expect(page.getByTestId(id).getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.getByTestId('bot-pairs').inputValue()).resolves.toBe('BTCUSDT, ETH/USDT');
      await fitsWidth(page);
      await context.close();
    }, 90_000);

    it(`at ${size.width} px: force-exit and delete ask in a dialog in view and report what they did`, async () => {
      const user = await signedUpAgent(t.started.app);
      const strategy = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: holdStrategy });
      expect(strategy.status, JSON.stringify(strategy.body)).toBe(201);
      const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
        .send({ name: `Holder ${size.name}`, pairs: ['BTC/USDT'], stakeAmount: 100, strategyVersionId: strategy.body.strategy.id });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const botId: string = created.body.bot.id;
      bots.push({ agent: user, id: botId });
      await waitFor('running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot.status === 'running', 150_000);
      const openTrades = async () => (await user.agent.get(`/api/bots/${botId}/trading`)).body.trading?.openTrades ?? [];
      await waitFor('an open trade', async () => (await openTrades()).length === 1, 150_000);
      const risk = await user.agent.post('/api/risk-guards').set('Origin', ORIGIN).send({ scope: { kind: 'bot', botId }, maxDrawdownPct: 50 });
      expect(risk.status, JSON.stringify(risk.body)).toBe(201);

      const context = await signedInContext(t.browser, t.dashboard.url, user.cookie, { viewport: { width: size.width, height: size.height } });
      const page = await context.newPage();
      await openHydrated(page, `${t.dashboard.url}/bots/${botId}`);
      await fitsWidth(page);

      // The trading numbers are read again while the page stays open (no reload), with the time they were read.
      const firstRead = await page.getByTestId('bot-trading-at').getAttribute('data-at');
      await page.evaluate('window.stayedOnPage = true');
      await page.locator(`[data-testid="bot-trading-at"]:not([data-at="${firstRead}"])`).waitFor({ timeout: 20_000 });
      await expect(page.evaluate('window.stayedOnPage === true')).resolves.toBe(true);

      // Force exit: a question first, then the price and profit it closed at.
      await page.getByTestId('bot-force-exit').click();
      await page.getByTestId('bot-force-exit-dialog').waitFor();
      await expectInView(page, 'bot-force-exit-dialog');
      await page.getByTestId('bot-force-exit-confirm').click();
      await expect(page.getByTestId('bot-force-exit-outcome').textContent({ timeout: 30_000 })).resolves.toMatch(/#\d+ BTC\/USDT closed at [\d,.]+ with [+-−]?[\d,.]+ USDT/);

      // The bot enters again; Delete asks (in view), naming the open trade and the guard.
      await waitFor('a new open trade', async () => (await openTrades()).length === 1, 150_000);
      await openHydrated(page, `${t.dashboard.url}/bots/${botId}`);
      await page.getByTestId('bot-delete').click();
      await page.getByTestId('bot-delete-dialog').waitFor();
      await expectInView(page, 'bot-delete-dialog');
      await expect(page.getByTestId('bot-delete-open-trades').getAttribute('data-count')).resolves.toBe('1');
      await expect(page.getByTestId('bot-delete-guards').getAttribute('data-count')).resolves.toBe('1');
      await expect(page.getByTestId('bot-delete-exit-trades').isChecked()).resolves.toBe(true);
      await page.getByTestId('bot-delete-confirm').click();
      await page.waitForURL(/\/bots$/, { timeout: 60_000 });
      const outcome = await page.getByTestId('bot-deleted-outcome').textContent();
      expect(outcome).toMatch(new RegExp(`Deleted “Holder ${size.name}”\\. Exited 1 open trade first: #\\d+ BTC/USDT closed at`));
      expect(outcome).toContain('1 guard on it ended');
      await fitsWidth(page);
      // The risk guard on /guards: ended, saying why, its deleted bot no longer a link.
      await openHydrated(page, `${t.dashboard.url}/guards`);
      const row = page.locator(`[data-testid="risk-guard-row"][data-risk-guard-id="${risk.body.riskGuard.id}"]`);
      await expect(row.getAttribute('data-state')).resolves.toBe('cancelled');
      await expect(row.getByTestId('risk-guard-scope').textContent()).resolves.toBe('deleted bot');
      await expect(row.getByTestId('risk-guard-scope').getAttribute('href')).resolves.toBeNull();
      await expect(row.getByTestId('risk-guard-reason').textContent()).resolves.toBe('its bot was deleted');
      await fitsWidth(page);
      await context.close();
    }, 400_000);
  }
});

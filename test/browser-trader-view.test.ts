// Browser, the trader's view of a bot (issue 19) in Debian's Chromium: the candle chart draws the bot's candles with its
// indicator and the entry and exit markers of a trade the test scripted; blacklisting a pair on the page stops the bot
// entering it while it re-enters the other pair; force-enter on the page opens a trade that shows in the open trades;
// the log tail shows new lines without a reload; the page and the fleet view fit a phone's 390 px.
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Page } from 'playwright-core';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../db/secret-box.js';
import type { Strategy } from '../domain/strategy.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { startHostedBot, type HostedBot } from './hosted-bot.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor } from './platform.js';

/** Enters every pair it may, whenever it may; never exits by itself. */
const always: Strategy = {
  schemaVersion: 1, name: 'Always', timeframe: '1m', startupCandles: 6,
  indicators: [{ id: 'sma5', type: 'sma', period: 5, source: 'close' }],
  entry: { left: { price: 'close' }, op: '>', right: { value: 0 } },
  exit: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  minimalRoi: { '0': 10 }, stoploss: -0.9, trailingStop: false,
};

let exchange: PaperExchangeHandle;
let bot: HostedBot;
let user: Awaited<ReturnType<typeof signedUpAgent>>;

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'browser-trader-view', tickMs: 1000 });
});
afterAll(async () => {
  await bot?.close();
  await exchange?.close();
});

const t = useBrowserTest({
  start: (origins) => startPlatform({ worker: false, env: { PAPER_EXCHANGE_URL: exchange.url }, origins }),
  setupTimeoutMs: 180_000,
});

type Open = Array<{ tradeId: number; pair: string }>;
const openTrades = async (): Promise<Open> => (await user.agent.get(`/api/bots/${bot.botId}/trading`)).body.trading?.openTrades ?? [];
const fitsWidth = async (page: Page) => expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);

describe("a bot's trader view in a real browser", { shuffle: false }, () => {
  let page: Page;
  let firstBtc: number;

  beforeAll(async () => {
    user = await signedUpAgent(t.started.app);
    bot = await startHostedBot(t.started.db, createSecretBox(t.started.config.TF_SECRET_KEY), user.userId,
      { name: 'Trader view', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 100 }, { exchangeUrl: exchange.url, strategy: always });
    // The bot enters both pairs by itself; the test then exits its BTC trade: an entry and an exit to mark.
    const open = await waitFor('both entries', async () => ((await openTrades()).length === 2 ? openTrades() : null), 60_000);
    firstBtc = open.find((o) => o.pair === 'BTC/USDT')!.tradeId;
    const exit = await user.agent.post(`/api/bots/${bot.botId}/forceexit`).set('Origin', ORIGIN).send({ tradeId: firstBtc });
    expect(exit.body.exit, JSON.stringify(exit.body)).toMatchObject({ closed: true });
    // Entries pause while the page is opened, so the auto lock's end does not re-enter BTC before the test looks.
    await user.agent.post(`/api/bots/${bot.botId}/pause-entries`).set('Origin', ORIGIN);
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie, { viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    await openHydrated(page, `${t.dashboard.url}/bots/${bot.botId}`);
  }, 180_000);

  it("draws the candles with the strategy's indicator and marks the scripted trade's entry and exit", async () => {
    const chart = page.getByTestId('bot-chart');
    await waitFor('candles drawn', async () => Number(await chart.getAttribute('data-candles')) > 50, 60_000);
    await expect(chart.getAttribute('data-pair')).resolves.toBe('BTC/USDT');
    await expect(chart.getAttribute('data-timeframe')).resolves.toBe('1m');
    await expect(chart.getAttribute('data-series')).resolves.toBe('sma5');
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    const marks = page.getByTestId('bot-chart-markers').locator(`li[data-trade-id="${firstBtc}"]`);
    const kinds = await Promise.all([0, 1].map((i) => marks.nth(i).getAttribute('data-kind')));
    expect(kinds).toEqual(['entry', 'exit']);
    await expect(marks.count()).resolves.toBe(2);
    // The canvas has candles painted on it: more than one colour in its pixels (painted on an animation frame after the
    // candles arrive: read until it is, or fail).
    const painted = () => page.evaluate<number>(`(() => {
      const seen = new Set();
      for (const c of document.querySelectorAll('[data-testid="bot-chart"] canvas')) {
        if (!c.width || !c.height) continue;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 28) if (d[i + 3] > 0) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
      }
      return seen.size;
    })()`);
    const colours = await waitFor('the candles painted', async () => ((await painted()) > 2 ? painted() : null), 15_000).catch(() => painted());
    expect(colours).toBeGreaterThan(2);
    // Another timeframe on request.
    await page.getByTestId('bot-chart-timeframe').selectOption('5m');
    await waitFor('the 5m chart', async () => (await chart.getAttribute('data-timeframe')) === '5m', 30_000);
  }, 90_000);

  it('stops entering a pair blacklisted on the page while it re-enters the other one', async () => {
    await page.getByTestId('bot-blacklist-input').fill('ETH/USDT');
    await page.getByTestId('bot-blacklist-add').click();
    await waitFor('ETH blacklisted', async () => (await page.getByTestId('bot-blacklist').textContent())?.includes('ETH/USDT'), 30_000);
    await expect(page.getByTestId('bot-whitelist').textContent()).resolves.toBe('BTC/USDT');
    const eth = (await openTrades()).find((o) => o.pair === 'ETH/USDT')!;
    // The exit's auto lock lasts until the next 1m candle and the pairs card reads the locks every 10 s: an exit late in
    // a minute left a lock too short for the card to see (the step failed that way 2 runs in 4).
    await waitFor('the first half of a minute', async () => new Date().getUTCSeconds() < 30, 40_000);
    await user.agent.post(`/api/bots/${bot.botId}/forceexit`).set('Origin', ORIGIN).send({ tradeId: eth.tradeId });
    // An exited pair is locked until the next candle (BTC's lock may have ended already): unlock on the page.
    await waitFor('the ETH lock listed', async () => (await page.getByTestId('bot-locks').textContent())?.includes('ETH/USDT'), 30_000);
    while ((await page.getByTestId('bot-unlock').count()) > 0) {
      await page.getByTestId('bot-unlock').first().click();
      await page.waitForTimeout(300);
    }
    await waitFor('no locks', async () => (await page.getByTestId('bot-no-locks').count()) === 1, 30_000);
    await page.getByTestId('bot-resume-entries').click();
    await waitFor('entries resumed', async () => (await page.getByTestId('bot-entries-state').getAttribute('data-state')) === 'running', 30_000);
    const reentered = await waitFor('BTC entered again', async () => (await openTrades()).find((o) => o.pair === 'BTC/USDT'), 60_000);
    expect(reentered.tradeId).toBeGreaterThan(eth.tradeId);
    // The same loop that entered BTC would have entered ETH: let two more loops pass to be sure it does not.
    const loops = bot.runtime.lastProcess!.getTime();
    await waitFor('two more trading loops', async () => bot.runtime.lastProcess!.getTime() > loops + 5_000 || null, 60_000);
    expect((await openTrades()).map((o) => o.pair)).toEqual(['BTC/USDT']);
  }, 150_000);

  it('force-enters from the page, and the trade shows in the open trades', async () => {
    await page.getByTestId('bot-force-enter-pair').selectOption('ETH/USDT');
    await page.getByTestId('bot-force-enter-stake').fill('50');
    await page.getByTestId('bot-force-enter-submit').click();
    await page.locator('[data-testid="bot-force-enter-done"], [data-testid="bot-force-enter-error"]').first().waitFor({ timeout: 30_000 });
    const refused = page.getByTestId('bot-force-enter-error');
    if (await refused.count()) throw new Error(`force-enter refused: ${await refused.textContent()}`);
    const row = page.getByTestId('bot-open-trade').filter({ hasText: 'ETH/USDT' });
    await row.waitFor({ timeout: 30_000 });
    expect((await openTrades()).map((o) => o.pair).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
  }, 60_000);

  it('shows new log lines live, without a reload', async () => {
    const log = page.getByTestId('bot-log');
    // A change the page did not make: entries paused through the API.
    await user.agent.post(`/api/bots/${bot.botId}/pause-entries`).set('Origin', ORIGIN);
    await waitFor('the PAUSED line in the log tail', async () => /from RUNNING to: PAUSED/.test((await log.textContent()) ?? ''), 30_000);
    // The tail is the log's SSE stream (GET /api/bots/:id/logs/stream), not a poll.
    await expect(page.getByTestId('bot-log-live').getAttribute('data-live')).resolves.toBe('true');
    await waitFor('the paused state', async () => (await page.getByTestId('bot-entries-state').getAttribute('data-state')) === 'paused', 30_000);
  }, 60_000);

  it('fits a phone: nothing wider than 390 px, the chart drawn', async () => {
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie, { viewport: { width: 390, height: 844 } });
    const phone = await context.newPage();
    await openHydrated(phone, `${t.dashboard.url}/bots/${bot.botId}`);
    await waitFor('candles on the phone', async () => Number(await phone.getByTestId('bot-chart').getAttribute('data-candles')) > 50, 60_000);
    await phone.getByTestId('bot-closed-trades').waitFor({ timeout: 30_000 });
    await fitsWidth(phone);
    const box = await phone.getByTestId('bot-chart').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    // The fleet view lists the bot with its ledger figures once trade sync copied them: 2 open, 2 closed.
    const sync = createTradeSyncActivities({ db: t.started.db, box: createSecretBox(t.started.config.TF_SECRET_KEY), botChannel: { socketDir: t.started.config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' } });
    await new MockActivityEnvironment().run(sync.syncBotTrades);
    await openHydrated(phone, `${t.dashboard.url}/fleet`);
    const row = phone.locator(`[data-testid="fleet-row"][data-bot-id="${bot.botId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expect(row.getByTestId('fleet-open').textContent()).resolves.toBe('2');
    await expect(row.getByTestId('fleet-winrate').textContent()).resolves.toMatch(/%$/);
    await fitsWidth(phone);
    await context.close();
  }, 90_000);
});

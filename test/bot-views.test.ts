// FreqUI's views and controls of a bot through the platform's API (issue 19): chart with indicators and the bot's own
// entry/exit markers, closed trades by page, profit by period, performance, locks and unlock, the log and its live SSE
// stream, the blacklist, pausing entries, and the fleet view; another user's bot is a 404 and bad input a 400 naming
// the field.
import { MockActivityEnvironment } from '@temporalio/testing';
import { expect, it, beforeAll, afterAll, describe } from 'vitest';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { findBotWithSecret } from '../db/bots.js';
import { sql } from '../db/pool.js';
import { botCredentialsPlace, createSecretBox } from '../db/secret-box.js';
import type { Strategy } from '../domain/strategy.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { apiOnlyPlatform } from './api-only-platform.js';
import { startHostedBot, type HostedBot } from './hosted-bot.js';
import { ORIGIN, signedUpAgent, waitFor } from './platform.js';
import { openSse } from './sse-client.js';

/** Never enters or exits by itself: only the test's forced trades. */
const quiet: Strategy = {
  schemaVersion: 1, name: 'Quiet', timeframe: '1m', startupCandles: 6,
  indicators: [{ id: 'sma5', type: 'sma', period: 5, source: 'close' }],
  entry: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  exit: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  minimalRoi: { '0': 10 }, stoploss: -0.9, trailingStop: false,
};

let exchange: PaperExchangeHandle;
let bot: HostedBot;
let alice: Awaited<ReturnType<typeof signedUpAgent>>;
let bob: Awaited<ReturnType<typeof signedUpAgent>>;
let closedId: number;
let openId: number;
const platform = apiOnlyPlatform();
const post = (path: string, body: unknown = {}) => alice.agent.post(path).set('Origin', ORIGIN).send(body as object);

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'bot-views', tickMs: 1000 });
  alice = await signedUpAgent(platform().app);
  bob = await signedUpAgent(platform().app);
  bot = await startHostedBot(platform().db, createSecretBox(platform().config.TF_SECRET_KEY), alice.userId,
    { name: 'Viewed', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 100 }, { exchangeUrl: exchange.url, strategy: quiet });
  const entered = await post(`/api/bots/${bot.botId}/forceenter`, { pair: 'BTC/USDT' });
  expect(entered.status, JSON.stringify(entered.body)).toBe(200);
  closedId = entered.body.trading.openTrades[0].tradeId;
  const exit = await post(`/api/bots/${bot.botId}/forceexit`, { tradeId: closedId });
  expect(exit.body.exit).toMatchObject({ closed: true });
  // The auto lock of the closed pair ends at the next candle: the second entry goes on the other pair.
  const again = await post(`/api/bots/${bot.botId}/forceenter`, { pair: 'ETH/USDT', stakeAmount: 50 });
  expect(again.status, JSON.stringify(again.body)).toBe(200);
  openId = again.body.trading.openTrades[0].tradeId;
}, 120_000);

afterAll(async () => {
  await bot?.close();
  await exchange?.close();
});

describe('a bot seen as FreqUI shows it', () => {
  it("charts candles with the strategy's indicator and the entry and exit markers of the bot's own trade", async () => {
    const res = await alice.agent.get(`/api/bots/${bot.botId}/chart`).query({ pair: 'BTC/USDT', timeframe: '1m', limit: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { chart } = res.body;
    expect(chart).toMatchObject({ pair: 'BTC/USDT', timeframe: '1m', strategy: 'Quiet', strategyTimeframe: '1m' });
    expect(chart.candles).toHaveLength(60);
    const last = chart.candles.at(-1);
    expect(last.time % 60_000).toBe(0);
    const sma = chart.series.find((s: { column: string }) => s.column === 'sma5');
    expect(sma).toMatchObject({ panel: 'main', kind: 'line' });
    const closes = chart.candles.slice(-5).map((c: { close: number }) => c.close);
    expect(sma.points.at(-1)[1]).toBeCloseTo(closes.reduce((a: number, b: number) => a + b, 0) / 5, 6);
    expect(chart.markers.map((m: { kind: string; tradeId: number }) => [m.kind, m.tradeId])).toEqual([['entry', closedId], ['exit', closedId]]);
    // Another timeframe of the same pair, served by the host's shared market data.
    const hourly = await alice.agent.get(`/api/bots/${bot.botId}/chart`).query({ pair: 'ETH/USDT', timeframe: '1h', limit: 24 });
    expect(hourly.body.chart.candles).toHaveLength(24);
    expect(hourly.body.chart.markers).toEqual([expect.objectContaining({ kind: 'entry', tradeId: openId })]);
  });

  it('pages closed trades, and sums profit by day and by pair', async () => {
    const page = await alice.agent.get(`/api/bots/${bot.botId}/trades`).query({ limit: 1, offset: 0 });
    expect(page.body).toMatchObject({ total: 1, offset: 0, limit: 1, trades: [{ tradeId: closedId, pair: 'BTC/USDT', exitReason: 'force_exit' }] });
    expect((await alice.agent.get(`/api/bots/${bot.botId}/trades`).query({ offset: 1 })).body.trades).toEqual([]);
    const daily = await alice.agent.get(`/api/bots/${bot.botId}/profit-periods`).query({ unit: 'daily', count: 3 });
    expect(daily.body.profit.periods).toHaveLength(3);
    expect(daily.body.profit.periods[0]).toMatchObject({ tradeCount: 1, date: new Date().toISOString().slice(0, 10) });
    const monthly = await alice.agent.get(`/api/bots/${bot.botId}/profit-periods`).query({ unit: 'monthly' });
    expect(monthly.body.profit).toMatchObject({ unit: 'monthly', stakeCurrency: 'USDT' });
    const perf = await alice.agent.get(`/api/bots/${bot.botId}/performance`);
    expect(perf.body.performance).toEqual([expect.objectContaining({ pair: 'BTC/USDT', count: 1 })]);
  });

  it('lists the auto lock of the closed pair and ends it on unlock', async () => {
    const locks = (await alice.agent.get(`/api/bots/${bot.botId}/locks`)).body.locks as Array<{ id: number; pair: string; reason: string }>;
    const lock = locks.find((l) => l.pair === 'BTC/USDT');
    // The auto lock lasts until the next candle: it may already be over on a slow machine.
    if (lock) {
      expect(lock.reason).toBe('Auto lock');
      expect((await bob.agent.delete(`/api/bots/${bot.botId}/locks/${lock.id}`).set('Origin', ORIGIN)).status).toBe(404);
      const after = await alice.agent.delete(`/api/bots/${bot.botId}/locks/${lock.id}`).set('Origin', ORIGIN);
      expect(after.status).toBe(200);
      expect(after.body.locks.find((l: { id: number }) => l.id === lock.id)).toBeUndefined();
    }
    const gone = await alice.agent.delete(`/api/bots/${bot.botId}/locks/999`).set('Origin', ORIGIN);
    expect(gone.status).toBe(404);
  });

  it("tails the bot's log", async () => {
    const res = await alice.agent.get(`/api/bots/${bot.botId}/logs`).query({ limit: 50 });
    expect(res.body.logs.some((l: { message: string }) => /Exit Long Order for BTC\/USDT filled/.test(l.message))).toBe(true);
    expect(res.body.logs[0]).toEqual({ time: expect.any(Number), level: expect.any(String), logger: expect.any(String), message: expect.any(String) });
  });

  it("streams the bot's new log lines as Server-Sent Events, its secrets masked, and stops when the client leaves", async () => {
    const stream = await openSse(platform().app, `/api/bots/${bot.botId}/logs/stream`, { cookie: alice.cookie });
    const gauge = platform().app.locals['sseStreams'] as { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> };
    const open = async () => (await gauge.get()).values.find((v) => v.labels['route'] === '/api/bots/:id/logs/stream')?.value ?? 0;
    try {
      const backlog = await stream.next((e) => e.event === 'log-backlog', 30_000);
      expect(JSON.parse(backlog.data).some((l: { message: string }) => /Exit Long Order for BTC\/USDT filled/.test(l.message))).toBe(true);
      const mark = `written after the stream opened ${Date.now()}`;
      const row = (await findBotWithSecret(platform().db, bot.botId))!;
      const { password } = JSON.parse(createSecretBox(platform().config.TF_SECRET_KEY).open(row.apiCredentials, botCredentialsPlace(row.id))) as { password: string };
      bot.runtime.note(`${mark} (api password ${password})`);
      const fresh = await stream.next((e) => e.event === 'logs' && e.data.includes(mark), 30_000);
      const line = (JSON.parse(fresh.data) as Array<{ message: string }>).find((l) => l.message.includes(mark))!;
      expect(line.message).toBe(`${mark} (api password ***)`);
      expect(stream.events.map((e) => e.data).join('\n')).not.toContain(password);
      // Each line once: the backlog's lines are not sent again.
      const sent = stream.events.filter((e) => e.event === 'logs' || e.event === 'log-backlog').flatMap((e) => JSON.parse(e.data) as Array<{ time: number; message: string }>);
      expect(new Set(sent.map((l) => `${l.time} ${l.message}`)).size).toBe(sent.length);
      expect(await open()).toBeGreaterThan(0);
    } finally {
      await stream.close();
    }
    await waitFor('the stream closed on the server', async () => (await open()) === 0, 10_000);
    expect((await bob.agent.get(`/api/bots/${bot.botId}/logs/stream`)).status).toBe(404);
  });

  it('blacklists a pair (out of the whitelist), takes it off again, and pauses and resumes entries', async () => {
    const added = await post(`/api/bots/${bot.botId}/blacklist`, { add: ['ETH/USDT'] });
    expect(added.body.pairlists).toMatchObject({ blacklist: ['ETH/USDT'], whitelist: ['BTC/USDT'], configured: ['BTC/USDT', 'ETH/USDT'] });
    expect(bot.runtime.blacklist.blocks('ETH/USDT')).toBe(true);
    const removed = await post(`/api/bots/${bot.botId}/blacklist`, { remove: ['ETH/USDT'] });
    expect(removed.body.pairlists).toMatchObject({ blacklist: [], whitelist: ['BTC/USDT', 'ETH/USDT'] });
    const paused = await post(`/api/bots/${bot.botId}/pause-entries`);
    expect(paused.body.pairlists.state).toBe('paused');
    expect((await post(`/api/bots/${bot.botId}/resume-entries`)).body.pairlists.state).toBe('running');
  });

  it("answers 404 for another user's bot and 400 naming the field for bad input, changing nothing", async () => {
    for (const path of ['chart?pair=BTC/USDT&timeframe=1m', 'trades', 'logs', 'pairlists', 'locks', 'performance']) {
      expect((await bob.agent.get(`/api/bots/${bot.botId}/${path}`)).status, path).toBe(404);
    }
    expect((await bob.agent.post(`/api/bots/${bot.botId}/blacklist`).set('Origin', ORIGIN).send({ add: ['BTC/USDT'] })).status).toBe(404);
    expect((await bob.agent.post(`/api/bots/${bot.botId}/pause-entries`).set('Origin', ORIGIN)).status).toBe(404);
    const tf = await alice.agent.get(`/api/bots/${bot.botId}/chart`).query({ pair: 'BTC/USDT', timeframe: '7m' });
    expect(tf.status).toBe(400);
    expect(tf.body.error).toMatchObject({ field: 'timeframe' });
    const empty = await post(`/api/bots/${bot.botId}/blacklist`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ field: 'add' });
    const unit = await alice.agent.get(`/api/bots/${bot.botId}/profit-periods`).query({ unit: 'yearly' });
    expect(unit.body.error).toMatchObject({ field: 'unit' });
    expect(bot.runtime.blacklist.list()).toEqual([]);
    expect(bot.runtime.state).toBe('running');
  });
});

describe('the fleet view', () => {
  it("shows each bot's profit, open trades, win rate and drawdown, and keeps a deleted bot's realized history", async () => {
    // Its own user and bot: the delete at its end must not take another test's bot away (tests run in any order).
    const carol = await signedUpAgent(platform().app);
    const box = createSecretBox(platform().config.TF_SECRET_KEY);
    const fleetBot = await startHostedBot(platform().db, box, carol.userId, { name: 'Fleeted', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 100 });
    try {
      const lost = fleetBot.addTrade({ id: 1, pair: 'BTC/USDT', amount: 0.01, openRate: 50_000, closed: { rate: 49_000, reason: 'exit_signal' } });
      fleetBot.addTrade({ id: 2, pair: 'ETH/USDT', amount: 0.1, openRate: 3_000 });
      const sync = createTradeSyncActivities({ db: platform().db, box, botChannel: { socketDir: platform().config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' } });
      await new MockActivityEnvironment().run(sync.syncBotTrades);
      const fleet = await waitFor('the synced fleet', async () => {
        const bots = (await carol.agent.get('/api/fleet')).body.bots as Array<Record<string, unknown>>;
        return bots.find((b) => b['botId'] === fleetBot.botId && b['closedTrades'] === 1) ? bots : null;
      });
      const row = fleet.find((b) => b['botId'] === fleetBot.botId)!;
      expect(row).toMatchObject({ name: 'Fleeted', status: 'running', openTrades: 1, closedTrades: 1, winRate: 0 });
      expect(row['profitAbs']).toBeCloseTo(lost.closeProfitAbs!, 6);
      expect(row['maxDrawdownAbs']).toBeCloseTo(-lost.closeProfitAbs!, 6);
      expect((await bob.agent.get('/api/fleet')).body.bots).toEqual([]);

      // The bot's row goes as a finished delete leaves it; its ledger stays, in the fleet as a deleted bot.
      await platform().db.query(sql.typeAlias('void')`delete from bots where id = ${fleetBot.botId}`);
      const after = (await carol.agent.get('/api/fleet')).body.bots as Array<Record<string, unknown>>;
      expect(after).toEqual([expect.objectContaining({ botId: fleetBot.botId, name: 'Fleeted', status: 'deleted', openTrades: 0, closedTrades: 1 })]);
    } finally {
      await fleetBot.close();
    }
  });
});

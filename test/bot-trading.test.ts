// A builtin bot in Docker trades in dry-run on the paper exchange: it opens a trade by its strategy, closes it by ROI
// when the scripted price rises, and the platform's trade ledger matches the bot's own /profit.
import { MockActivityEnvironment } from '@temporalio/testing';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { findBotWithSecret } from '../db/bots.js';
import { sql } from '../db/pool.js';
import { botCredentialsPlace, createSecretBox } from '../db/secret-box.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { z } from 'zod';
import { botClientOf, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let exchange: PaperExchangeHandle;
let platform: TestPlatform;

beforeAll(async () => {
  // Prices move only when the test says so.
  exchange = await startPaperExchange({ port: 0, seed: 'bot-trading', tickMs: 0 });
  exchange.setPrice('BTCUSDT', 50_000);
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await exchange?.close();
});

/** Enters as soon as it can, never by signal; exits when the trade is 2 % up (ROI) or 50 % down. */
const eagerStrategy = {
  schemaVersion: 1,
  name: 'Eager ROI',
  timeframe: '1m',
  startupCandles: 1,
  indicators: [],
  entry: { left: { price: 'close' }, op: '>', right: { value: 0 } },
  exit: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  minimalRoi: { '0': 0.02 },
  stoploss: -0.5,
  trailingStop: false,
};

describe('a builtin bot trading on the paper exchange', () => {
  it('opens and closes a trade on a scripted price path, and the platform ledger matches /profit', async () => {
    const user = await signedUpAgent(platform.app);
    const strategy = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: eagerStrategy });
    expect(strategy.status).toBe(201);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Trader', pairs: ['BTC/USDT'], stakeAmount: 100, strategyVersionId: strategy.body.strategy.id });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    await waitFor('running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot.status === 'running');

    const box = createSecretBox(platform.config.TF_SECRET_KEY);
    const row = (await findBotWithSecret(platform.db, botId))!;
    const bot = botClientOf(platform, row);
    expect((await bot.showConfig()).strategy).toBe('Eager ROI');

    const open = await waitFor('an open trade', async () => {
      const trades = await bot.get<Array<{ trade_id: number; open_rate: number; amount: number }>>('status');
      return trades[0];
    }, 150_000);
    expect(open.open_rate).toBeGreaterThan(49_000);

    exchange.setPrice('BTCUSDT', open.open_rate * 1.04);
    const profit = await waitFor('the trade closed by ROI', async () => {
      const p = await bot.get<{ closed_trade_count: number; profit_closed_coin: number }>('profit');
      return p.closed_trade_count === 1 ? p : null;
    }, 60_000);
    const [closed] = (await bot.get<{ trades: Array<{ exit_reason: string; close_rate: number }> }>('trades')).trades;
    expect(closed!.exit_reason).toBe('roi');

    const sync = createTradeSyncActivities({ db: platform.db, box, botChannel: { socketDir: platform.config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' } });
    await new MockActivityEnvironment().run(sync.syncBotTrades);
    const ledger = await platform.db.one(sql.type(z.object({ n: z.number(), profit: z.number() }))`
      select count(*)::int as n, coalesce(sum(profit_abs), 0)::float8 as profit from bot_trades where bot_id = ${botId} and not is_open`);
    expect(ledger.n).toBe(1);
    expect(ledger.profit).toBeCloseTo(profit.profit_closed_coin, 6);
    expect(profit.profit_closed_coin).toBeGreaterThan(0);

    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
  }, 300_000);
});

describe('a force-entry through the API', () => {
  it('opens one trade however many requests race, and refuses a second entry on the pair and one over max_open_trades', async () => {
    const user = await signedUpAgent(platform.app);
    // Never enters by itself, and takes one trade at a time.
    const patient = { ...eagerStrategy, name: 'Patient', entry: { left: { price: 'close' }, op: '<', right: { value: 0 } }, maxOpenTrades: 1 };
    const strategy = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: patient });
    expect(strategy.status, JSON.stringify(strategy.body)).toBe(201);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Forced', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 100, strategyVersionId: strategy.body.strategy.id });
    const botId: string = created.body.bot.id;
    await waitFor('running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot.status === 'running');
    const enter = (pair: string) => user.agent.post(`/api/bots/${botId}/forceenter`).set('Origin', ORIGIN).send({ pair });

    // Sent the moment the bot runs, before its first loop: each waits for that loop, then exactly one enters.
    const answers = await Promise.all([enter('BTC/USDT'), enter('BTC/USDT'), enter('BTC/USDT')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    const ok = answers.find((a) => a.status === 200)!;
    expect(ok.body.trading.openTrades).toEqual([expect.objectContaining({ pair: 'BTC/USDT', stakeAmount: expect.closeTo(100, 0) })]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.body.error).toMatchObject({ field: 'pair', message: expect.stringMatching(/^BTC\/USDT already has an open trade \(#\d+\)/) });
    }
    const full = await enter('ETH/USDT');
    expect(full.status).toBe(409);
    expect(full.body.error.message).toMatch(/already has 1 open trade\(s\), its max_open_trades/);
    const foreign = await enter('XRP/USDT');
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ field: 'pair', message: expect.stringContaining("not one of this bot's pairs") });
    expect((await user.agent.get(`/api/bots/${botId}/trading`)).body.trading.openTrades).toHaveLength(1);
    // Another user's bot is not there for them.
    const stranger = await signedUpAgent(platform.app);
    expect((await stranger.agent.post(`/api/bots/${botId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'BTC/USDT' })).status).toBe(404);
    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
  }, 180_000);
});

describe('a bot the exchange cannot trade', () => {
  it('is refused with 400 naming the pair or the stake, and nothing is created', async () => {
    const user = await signedUpAgent(platform.app);
    const unlisted = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Ghost', pairs: ['BTC/USDT', 'NOPE/USDT'], stakeAmount: 100 });
    expect(unlisted.status).toBe(400);
    expect(unlisted.body.error).toMatchObject({ field: 'pairs.1', message: expect.stringContaining('NOPE/USDT is not listed on paper') });
    const tiny = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Tiny', pairs: ['BTC/USDT'], stakeAmount: 0.5 });
    expect(tiny.status).toBe(400);
    expect(tiny.body.error).toMatchObject({ field: 'stakeAmount', message: expect.stringMatching(/below paper's minimum order of \d+/) });
    expect((await user.agent.get('/api/bots')).body.bots).toEqual([]);
  });
});

describe('a live bot on the user’s exchange account', () => {
  it('places real orders on that account, with the keys only in its config file', async () => {
    const user = await signedUpAgent(platform.app);
    const keys = exchange.createAccount({ balances: { USDT: '5000' } });
    const account = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
      .send({ exchangeId: 'paper', label: 'live', apiKey: keys.apiKey, secret: keys.secret });
    expect(account.status).toBe(201);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Live', pairs: ['BTC/USDT'], stakeAmount: 100, dryRun: false, exchangeAccountId: account.body.account.id });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    await waitFor('running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot.status === 'running');

    const row = (await findBotWithSecret(platform.db, botId))!;
    const bot = botClientOf(platform, row);
    expect((await bot.showConfig()).dry_run).toBe(false);
    const container = await new Docker().getContainer(row.runtimeId!).inspect();
    expect(JSON.stringify(container.Config)).not.toContain(keys.secret);
    expect(JSON.stringify(container.Config)).not.toContain(keys.apiKey);
    // Its strategy may already have opened the position; otherwise open it by hand (the platform refuses a second one).
    const entered = await user.agent.post(`/api/bots/${botId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'BTC/USDT' });
    if (entered.status !== 200) expect(entered.body.error.message).toMatch(/already has an open trade/);
    await waitFor('the buy on the exchange account', async () => exchange.account(keys.apiKey).orders >= 1, 30_000);
    await bot.post('forceexit', { tradeid: 'all' });
    await waitFor('the sell on the exchange account', async () => exchange.account(keys.apiKey).orders >= 2, 30_000);
    expect(exchange.account(keys.apiKey).orders).toBe(2);
    // Two fills with fees: the account really traded.
    expect(exchange.account(keys.apiKey).trades).toBe(2);
    expect(Number(exchange.account(keys.apiKey).balances['USDT']?.free)).toBeLessThan(5000);

    // The account cannot be deleted while a bot trades on it.
    expect((await user.agent.delete(`/api/exchange-accounts/${account.body.account.id}`).set('Origin', ORIGIN)).status).toBe(409);
    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
    expect((await user.agent.delete(`/api/exchange-accounts/${account.body.account.id}`).set('Origin', ORIGIN)).status).toBe(204);
  }, 120_000);
});

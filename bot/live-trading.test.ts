// A live bot places real orders on a paper-exchange account: deterministic client order ids, and neither a lost response
// nor a lost request nor a repeated submission ever makes a second order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { binanceClient, type Binance } from '../exchange/test-support.js';
import { clientOrderId, LiveBroker } from './brokers.js';
import * as schema from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost } from './host.js';
import { MarketHub } from './market-data.js';
import { createClient } from './exchange-access.js';
import { alignedStart, api, MINUTE, profitAbs, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const t0 = alignedStart();
const clock = new TestClock(t0);
let ex: PaperExchangeHandle;
let host: BotHost;
let bot: HostedBotConfig;
let account: { id: string; apiKey: string; secret: string };
let client: Binance;

const orders = async () => (await client.fetchOrders('BTC/USDT')).map((o) => ({ side: o.side, clientOrderId: o.clientOrderId, filled: o.filled }));
const logs = async () => ((await api.get(bot, '/logs')).body as { logs: string[][] }).logs.map((l) => l[4] ?? '');

beforeAll(async () => {
  ex = await startFlatExchange(clock);
  account = ex.createAccount({ balances: { USDT: '1000' } });
  client = binanceClient(ex, account);
  // The account's own requests are signed on the test clock too, like the bot's.
  client.milliseconds = clock.read;
  bot = await tradingBot('live', ex, { dryRun: false, credentials: { apiKey: account.apiKey, secret: account.secret } });
  host = await startBotHost({ bots: [bot] }, { processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, retryBaseMs: 20, log: () => {} });
});
afterAll(async () => {
  await host?.close();
  await ex?.close();
});

// An ordered story: one live bot's orders, each step building on the last fill; its steps keep their order in a shuffled run (files still shuffle).
describe('a live bot', { shuffle: false }, () => {
  it('buys on the entry signal with a client order id derived from bot, trade and side', async () => {
    clock.advance(10_000);
    ex.setPrice('BTC/USDT', 100);
    clock.advance(MINUTE);
    await host.runOnce();
    ex.setPrice('BTC/USDT', 102);
    clock.advance(MINUTE);
    await host.runOnce();

    const buyId = clientOrderId(bot.botId, Math.floor(t0 / 1000), 1, 'buy');
    expect(buyId).toMatch(/^[a-zA-Z0-9_-]{1,36}$/);
    expect(await orders()).toEqual([{ side: 'buy', clientOrderId: buyId, filled: 0.4901 }]);
    // Binance takes the 0.1 % fee from the coins bought: the trade holds what the account really got.
    const [t] = schema.Status.parse((await api.get(bot, '/status')).body);
    expect(t).toMatchObject({ trade_id: 1, open_rate: 102.01, amount: 0.4896099, fee_open: 0.001, is_open: true });
    expect(ex.account(account.id).balances['BTC']?.free).toBe('0.48960990');
    const bal = schema.Balances.parse((await api.get(bot, '/balance')).body);
    expect(bal.note).toBe('');
    expect(bal.currencies.find((c) => c.currency === 'USDT')?.free).toBeCloseTo(1000 - 0.4901 * 102.01, 6);
  });

  it('looks the order up when the response is lost, instead of selling twice', async () => {
    ex.setPrice('BTC/USDT', 101);
    // The exchange executes the sell, then answers 503: the bot cannot know the outcome from the reply.
    ex.injectFault({ kind: 'error', when: 'after', path: 'order', method: 'POST', status: 503 });
    const res = await api.post(bot, '/forceexit', { tradeid: '1' });
    expect(res.body).toEqual({ result: 'Created exit order for trade 1.' });

    const sellId = clientOrderId(bot.botId, Math.floor(t0 / 1000), 1, 'sell');
    expect((await orders()).filter((o) => o.side === 'sell')).toEqual([{ side: 'sell', clientOrderId: sellId, filled: 0.4896 }]);
    const [t] = ((await api.get(bot, '/trades')).body as { trades: Record<string, unknown>[] }).trades;
    // The sell's fee is in USDT: 0.1 % of what it brought, the fee ratio FreqTrade records.
    expect(t).toMatchObject({ exit_reason: 'force_exit', close_rate: 100.99, fee_close: 0.001, is_open: false });
    expect(t?.['close_profit_abs']).toBe(profitAbs(0.4896099, 102.01, 100.99));
    expect((await logs()).some((l) => l.includes(`Order ${sellId}`) && l.includes('unknown outcome'))).toBe(true);
  });

  it('sends an order again under the same id when the first request never reached the exchange', async () => {
    clock.advance(MINUTE);
    ex.injectFault({ kind: 'error', when: 'before', path: 'order', method: 'POST', status: 502 });
    const res = await api.post(bot, '/forceenter', { pair: 'BTC/USDT' });
    expect(res.body).toMatchObject({ trade_id: 2, is_open: true, enter_tag: 'force_entry' });
    const buyId = clientOrderId(bot.botId, Math.floor(t0 / 1000), 2, 'buy');
    expect((await orders()).filter((o) => o.clientOrderId === buyId)).toHaveLength(1);
    expect(await orders()).toHaveLength(3);
  });

  it('never doubles an order submitted twice with the same client id', async () => {
    const hub = new MarketHub({ clock: clock.read });
    const feed = hub.exchange(bot.exchangeProfile!);
    const broker = new LiveBroker(createClient(bot.exchangeProfile!, clock.read, bot.credentials), feed, { log: () => {} });
    const market = (await feed.markets())['BTC/USDT']!;
    const request = { pair: 'BTC/USDT', side: 'buy' as const, amount: 0.05, price: 101.01, clientOrderId: 'tf-test-repeat-buy' };
    const first = await broker.submit(request, market);
    const second = await broker.submit(request, market);
    expect(second.orderId).toBe(first.orderId);
    expect((await orders()).filter((o) => o.clientOrderId === 'tf-test-repeat-buy')).toHaveLength(1);
    expect(ex.account(account.id).orders).toBe(4);
  });

  it('refuses an entry the account cannot pay for, leaving no trade and no order behind', async () => {
    await api.post(bot, '/forceexit', { tradeid: 'all' });
    ex.setBalances(account.id, { USDT: 10 });
    const before = ex.account(account.id).orders;
    const res = await api.post(bot, '/forceenter', { pair: 'BTC/USDT' });
    expect(res).toMatchObject({ status: 502, body: { error: 'Error querying /api/v1/forceenter: Available balance (10 USDT) is lower than stake amount (50 USDT)' } });
    expect(ex.account(account.id).orders).toBe(before);
    expect(schema.Status.parse((await api.get(bot, '/status')).body)).toEqual([]);
  });
});

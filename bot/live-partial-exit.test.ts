// A live bot's partial exits on a paper-exchange account: each /forceexit with an amount is one market sell of that
// amount under its own deterministic client order id, however often the order has to be sent or looked up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { binanceClient, type Binance } from '../exchange/test-support.js';
import { clientOrderId } from './brokers.js';
import * as schema from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost } from './host.js';
import { alignedStart, api, crossStrategy, MINUTE, profitAbs, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const t0 = alignedStart();
const clock = new TestClock(t0);
let ex: PaperExchangeHandle;
let host: BotHost;
let bot: HostedBotConfig;
let account: { id: string; apiKey: string; secret: string };
let client: Binance;

const sells = async () =>
  (await client.fetchOrders('BTC/USDT')).filter((o) => o.side === 'sell').map((o) => ({ clientOrderId: o.clientOrderId, filled: o.filled }));
const sellId = (seq: number) => clientOrderId(bot.botId, Math.floor(t0 / 1000), 1, 'sell', seq);
const trade = async () => schema.Status.parse((await api.get(bot, '/status')).body)[0];
const btc = () => ex.account(account.id).balances['BTC']?.free;

beforeAll(async () => {
  ex = await startFlatExchange(clock);
  account = ex.createAccount({ balances: { USDT: '1000' } });
  client = binanceClient(ex, account);
  client.milliseconds = clock.read;
  const never = { left: { price: 'close' as const }, op: '<' as const, right: { value: 1 } };
  bot = await tradingBot('live-partial', ex, {
    dryRun: false,
    credentials: { apiKey: account.apiKey, secret: account.secret },
    strategy: crossStrategy({ entry: never, minimalRoi: { '0': 1 } }),
  });
  host = await startBotHost({ bots: [bot] }, { processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, retryBaseMs: 20, log: () => {} });
  clock.advance(10_000);
  ex.setPrice('BTC/USDT', 100);
  // 0.4999 BTC bought at 100.01; Binance keeps 0.1 % of it as the fee.
  expect((await api.post(bot, '/forceenter', { pair: 'BTC/USDT' })).body).toMatchObject({ trade_id: 1, amount: 0.4994001 });
  ex.setPrice('BTC/USDT', 110);
});
afterAll(async () => {
  await host?.close();
  await ex?.close();
});

// An ordered story: one trade sold in parts, each exit from what the last one left; its steps keep their order in a shuffled run (files still shuffle).
describe('a live partial exit', { shuffle: false }, () => {
  it('sells the amount once when the exchange executes the order but its answer is lost', async () => {
    ex.injectFault({ kind: 'error', when: 'after', path: 'order', method: 'POST', status: 503 });
    expect((await api.post(bot, '/forceexit', { tradeid: '1', amount: 0.2 })).body).toEqual({ result: 'Created exit order for trade 1.' });
    expect(await sells()).toEqual([{ clientOrderId: sellId(1), filled: 0.2 }]);
    expect(sellId(1)).toMatch(/^[a-zA-Z0-9_-]{1,36}$/);
    expect(btc()).toBe('0.29940010');
    const t = await trade();
    expect(t).toMatchObject({ is_open: true, amount: 0.2994001, fee_close: 0.001, realized_profit: profitAbs(0.2, 100.01, 109.99), nr_of_successful_exits: 1 });
    expect(t?.orders.at(-1)).toMatchObject({ ft_order_side: 'sell', filled: 0.2, safe_price: 109.99, ft_order_tag: 'force_exit' });
  });

  it('sends the next partial exit under the next id, again when its first request never reached the exchange', async () => {
    clock.advance(MINUTE);
    ex.injectFault({ kind: 'error', when: 'before', path: 'order', method: 'POST', status: 502 });
    expect((await api.post(bot, '/forceexit', { tradeid: '1', amount: 0.1 })).body).toEqual({ result: 'Created exit order for trade 1.' });
    expect(await sells()).toEqual([{ clientOrderId: sellId(1), filled: 0.2 }, { clientOrderId: sellId(2), filled: 0.1 }]);
    expect(sellId(2)).toMatch(/^[a-zA-Z0-9_-]{1,36}$/);
    expect(await trade()).toMatchObject({ amount: 0.1994001, nr_of_successful_exits: 2 });
  });

  it('keeps an exit of unknown outcome pending: a repeated request sells nothing, the next iteration books the one order', async () => {
    clock.advance(MINUTE);
    // The sell executes but its answer is lost, and every look-up of it fails too.
    ex.injectFault({ kind: 'error', when: 'after', path: 'order', method: 'POST', status: 503 });
    ex.injectFault({ kind: 'error', path: 'order', method: 'GET', status: 503, count: 3 });
    expect((await api.post(bot, '/forceexit', { tradeid: '1', amount: 0.05 })).body).toEqual({ error: 'Error querying /api/v1/forceexit: Failed to exit trade.' });
    expect((await api.post(bot, '/forceexit', { tradeid: '1', amount: 0.05 })).body).toEqual({ error: 'Error querying /api/v1/forceexit: Failed to exit trade.' });
    expect(await sells()).toHaveLength(3);
    expect(await trade()).toMatchObject({ amount: 0.1994001, nr_of_successful_exits: 2 });

    await host.runOnce();
    expect((await sells()).at(-1)).toEqual({ clientOrderId: sellId(3), filled: 0.05 });
    expect(await sells()).toHaveLength(3);
    expect(await trade()).toMatchObject({ amount: 0.1494001, nr_of_successful_exits: 3 });
    expect(btc()).toBe('0.14940010');
  });

  it('closes the trade with the rest, counting the profit of every exit', async () => {
    clock.advance(MINUTE);
    expect((await api.post(bot, '/forceexit', { tradeid: '1' })).body).toEqual({ result: 'Created exit order for trade 1.' });
    expect(await sells()).toHaveLength(4);
    expect((await sells()).at(-1)).toEqual({ clientOrderId: sellId(4), filled: 0.1494 });
    const [t] = ((await api.get(bot, '/trades')).body as { trades: Record<string, unknown>[] }).trades;
    const total = Number(
      (profitAbs(0.2, 100.01, 109.99) + profitAbs(0.1, 100.01, 109.99) + profitAbs(0.05, 100.01, 109.99) + profitAbs(0.1494001, 100.01, 109.99)).toFixed(8),
    );
    expect(t).toMatchObject({ is_open: false, close_rate: 109.99, close_profit_abs: total, realized_profit: total, nr_of_successful_exits: 4 });
    const p = schema.Profit.parse((await api.get(bot, '/profit')).body);
    expect(p).toMatchObject({ profit_closed_coin: total, closed_trade_count: 1 });
    // What stays in the account is the dust below the market's 0.0001 step.
    expect(btc()).toBe('0.00000010');
  });
});

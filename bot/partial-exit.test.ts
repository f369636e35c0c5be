// Partial exits of a dry-run bot through /forceexit's `amount` (FreqTrade's ForceExitPayload): the trade stays open with
// less amount and stake, realized profit grows, every exit is an order of the trade, and the API shows all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import * as schema from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost } from './host.js';
import { alignedStart, api, crossStrategy, MINUTE, profitAbs, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const clock = new TestClock(alignedStart());
let ex: PaperExchangeHandle;
let host: BotHost;
let bot: HostedBotConfig;

const FEE = 0.001;
const round8 = (v: number): number => Number(v.toFixed(8));
const status = async () => schema.Status.parse((await api.get(bot, '/status')).body);
const forceExit = (body: unknown) => api.post(bot, '/forceexit', body);
const rpcError = (msg: string) => ({ error: `Error querying /api/v1/forceexit: ${msg}` });

beforeAll(async () => {
  ex = await startFlatExchange(clock);
  // Trades only on request: the entry rule never fires and no ROI is reached.
  const never = { left: { price: 'close' as const }, op: '<' as const, right: { value: 1 } };
  bot = await tradingBot('partial', ex, { strategy: crossStrategy({ entry: never, minimalRoi: { '0': 1 } }) });
  host = await startBotHost({ bots: [bot] }, { processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, log: () => {} });
  clock.advance(10_000);
  ex.setPrice('BTC/USDT', 100);
});
afterAll(async () => {
  await host?.close();
  await ex?.close();
});

// An ordered story: one trade exited in parts, each step from what the last one left; its steps keep their order in a shuffled run (files still shuffle).
describe('in order', { shuffle: false }, () => {
  describe('a partial /forceexit in dry-run', () => {
    // 50 USDT at the ask of 100.01 buys 0.4999 BTC.
    const open = 100.01;
    const entryStake = 0.4999 * open;
    const first = profitAbs(0.2, open, 109.99);
    const second = profitAbs(0.1, open, 104.99);

    it('sells the amount at the bid and keeps the rest of the trade open', async () => {
      expect((await api.post(bot, '/forceenter', { pair: 'BTC/USDT' })).body).toMatchObject({ trade_id: 1, open_rate: open, amount: 0.4999 });
      clock.advance(MINUTE);
      ex.setPrice('BTC/USDT', 110);
      const res = await forceExit({ tradeid: '1', amount: 0.2 });
      expect(res).toMatchObject({ status: 200, body: { result: 'Created exit order for trade 1.' } });
      expect(schema.ForceExitResponse.parse(res.body)).toEqual({ result: 'Created exit order for trade 1.' });

      const [t, ...rest] = await status();
      expect(rest).toEqual([]);
      expect(t).toMatchObject({
        trade_id: 1, is_open: true, amount: 0.2999, open_rate: open, max_stake_amount: round8(entryStake),
        realized_profit: first, close_profit_abs: first, close_profit: null, close_rate: null, close_date: null,
        exit_reason: 'force_exit', nr_of_successful_entries: 1, nr_of_successful_exits: 1, has_open_orders: false,
      });
      expect(t?.stake_amount).toBeCloseTo(0.2999 * open, 8);
      expect(t?.realized_profit_ratio).toBeCloseTo(first / (entryStake * (1 + FEE)), 12);
      expect(t?.orders.map((o) => [o.ft_order_side, o.filled, o.safe_price, o.status, o.ft_order_tag])).toEqual([
        ['buy', 0.4999, open, 'closed', 'force_entry'],
        ['sell', 0.2, 109.99, 'closed', 'force_exit'],
      ]);
      // The open part at the bid, plus what the partial exit realized.
      expect(t?.profit_abs).toBeCloseTo(0.2999 * 109.99 * (1 - FEE) - 0.2999 * open * (1 + FEE), 8);
      expect(t?.total_profit_abs).toBeCloseTo((t?.profit_abs ?? 0) + first, 8);
      expect(t?.total_profit_ratio).toBeCloseTo((t?.total_profit_abs ?? 0) / entryStake, 8);
      expect(((await api.get(bot, '/trades')).body as { total_trades: number }).total_trades).toBe(0);
    });

    it('shows the realized profit in /profit, /balance and /count, and locks no pair', async () => {
      const p = schema.Profit.parse((await api.get(bot, '/profit')).body);
      const openPart = profitAbs(0.2999, open, 109.99);
      expect(p).toMatchObject({ trade_count: 1, closed_trade_count: 0, profit_closed_coin: 0, winning_trades: 0, losing_trades: 0 });
      expect(p.profit_all_coin).toBeCloseTo(openPart + first, 7);
      expect(p.trading_volume).toBeCloseTo(entryStake + 0.2 * 109.99, 8);
      const bal = schema.Balances.parse((await api.get(bot, '/balance')).body);
      // 50 USDT to start, minus the stake still in the trade, plus what the exit realized.
      expect(bal.currencies.find((c) => c.currency === 'USDT')?.free).toBeCloseTo(50 - 0.2999 * open + first, 8);
      expect(bal.currencies.find((c) => c.currency === 'BTC')).toMatchObject({ balance: 0.2999, bot_owned: 0.2999 });
      expect((await api.get(bot, '/count')).body).toEqual({ current: 1, max: 1, total_stake: expect.closeTo(0.2999 * open, 8) });
      expect(schema.Locks.parse((await api.get(bot, '/locks')).body).locks).toEqual([]);
    });

    it('adds a second partial exit to the realized profit, and a numeric string is an amount', async () => {
      clock.advance(MINUTE);
      ex.setPrice('BTC/USDT', 105);
      expect((await forceExit({ tradeid: 1, amount: '0.1', ordertype: 'market' })).body).toEqual({ result: 'Created exit order for trade 1.' });
      const [t] = await status();
      expect(t).toMatchObject({ amount: 0.1999, realized_profit: round8(first + second), close_profit_abs: second, nr_of_successful_exits: 2 });
      expect(t?.stake_amount).toBeCloseTo(0.1999 * open, 8);
    });

    it('closes the trade on an exit without amount, with the profit of all its exits', async () => {
      clock.advance(MINUTE);
      ex.setPrice('BTC/USDT', 108);
      expect((await forceExit({ tradeid: '1' })).body).toEqual({ result: 'Created exit order for trade 1.' });
      expect(await status()).toEqual([]);
      const total = round8(first + second + profitAbs(0.1999, open, 107.99));
      const body = (await api.get(bot, '/trades')).body as { trades: Record<string, unknown>[] };
      const [t] = body.trades;
      expect(t).toMatchObject({
        trade_id: 1, is_open: false, amount: 0.1999, close_rate: 107.99, exit_reason: 'force_exit', close_profit_abs: total,
        realized_profit: total, max_stake_amount: round8(entryStake), nr_of_successful_exits: 3,
      });
      expect(t?.['close_profit']).toBeCloseTo(total / (entryStake * (1 + FEE)), 12);
      expect((t?.['orders'] as { ft_order_side: string; filled: number }[]).map((o) => [o.ft_order_side, o.filled])).toEqual([
        ['buy', 0.4999], ['sell', 0.2], ['sell', 0.1], ['sell', 0.1999],
      ]);
      const p = schema.Profit.parse((await api.get(bot, '/profit')).body);
      expect(p).toMatchObject({ profit_closed_coin: total, profit_all_coin: total, closed_trade_count: 1, winning_trades: 1 });
      const bal = schema.Balances.parse((await api.get(bot, '/balance')).body);
      expect(bal.currencies).toEqual([expect.objectContaining({ currency: 'USDT', free: expect.closeTo(50 + total, 8) })]);
    });
  });

  describe('a /forceexit amount it cannot sell', () => {
    let before: Awaited<ReturnType<typeof status>>;
    beforeAll(async () => {
      clock.advance(MINUTE);
      ex.setPrice('BTC/USDT', 100);
      expect((await api.post(bot, '/forceenter', { pair: 'BTC/USDT' })).body).toMatchObject({ trade_id: 2, amount: 0.4999 });
      before = await status();
    });

    it('is refused with FreqTrade\'s error body when above the trade\'s amount, or not above 0', async () => {
      expect(await forceExit({ tradeid: '2', amount: 0.5 })).toEqual(expect.objectContaining({ status: 502, body: rpcError('Invalid amount 0.5: trade 2 holds 0.4999 BTC.') }));
      expect((await forceExit({ tradeid: '2', amount: 0 })).body).toEqual(rpcError('Invalid amount 0: it must be greater than 0.'));
      expect((await forceExit({ tradeid: '2', amount: -0.1 })).body).toEqual(rpcError('Invalid amount -0.1: it must be greater than 0.'));
      expect((await forceExit({ tradeid: '9', amount: 0.1 })).body).toEqual(rpcError('invalid argument'));
    });

    it('is refused when what it leaves or what it sells is below the pair\'s minimum stake', async () => {
      // FreqTrade's check: 0.0499 BTC left at the bid of 99.99 is 4.99 USDT, below 5 USDT * 1.05 / (1 - 0.05).
      const left = await forceExit({ tradeid: '2', amount: 0.45 });
      expect(left.status).toBe(502);
      expect((left.body as { error: string }).error).toBe(`Error querying /api/v1/forceexit: Remaining amount of ${(0.4999 - 0.45) * 99.99} would be too small.`);
      // Worth 1 USDT, below the 5 USDT minimum order of the market; and less than one 0.0001 step.
      expect((await forceExit({ tradeid: '2', amount: 0.01 })).body).toEqual(rpcError('Exit amount of 0.01 would be too small: BTC/USDT orders must be worth at least 5 USDT.'));
      expect((await forceExit({ tradeid: '2', amount: 0.00001 })).body).toEqual(rpcError('Exit amount of 0.00001 would be too small: BTC/USDT orders must be worth at least 5 USDT.'));
    });

    it('answers a value that is not a number, or an unknown order type, with pydantic\'s 422', async () => {
      expect(await forceExit({ tradeid: '2', amount: 'half' })).toMatchObject({
        status: 422,
        body: { detail: [{ type: 'float_parsing', loc: ['body', 'amount'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'half' }] },
      });
      expect(await forceExit({ tradeid: '2', amount: [0.1] })).toMatchObject({
        status: 422,
        body: { detail: [{ type: 'float_type', loc: ['body', 'amount'], msg: 'Input should be a valid number', input: [0.1] }] },
      });
      expect(await forceExit({ tradeid: '2', amount: 0.1, ordertype: 'stop' })).toMatchObject({
        status: 422,
        body: { detail: [{ type: 'enum', loc: ['body', 'ordertype'], msg: "Input should be 'limit' or 'market'" }] },
      });
    });

    it('leaves the trade as it was, and an amount equal to the trade\'s exits all of it', async () => {
      expect(await status()).toEqual(before);
      expect((await forceExit({ tradeid: '2', amount: 0.4999 })).body).toEqual({ result: 'Created exit order for trade 2.' });
      expect(await status()).toEqual([]);
      const body = (await api.get(bot, '/trades')).body as { trades: Record<string, unknown>[] };
      expect(body.trades[1]).toMatchObject({ trade_id: 2, is_open: false, amount: 0.4999, nr_of_successful_exits: 1, close_profit_abs: profitAbs(0.4999, 100.01, 99.99) });
    });
  });
});

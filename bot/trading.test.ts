// Dry-run bots trading against the real paper exchange on a scripted price path: entries on the strategy's signal,
// exits by ROI, stoploss and trailing stop at the right prices, and the FreqTrade API showing exactly those fills.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import * as schema from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost } from './host.js';
import { alignedStart, api, crossStrategy, MINUTE, profitAbs, profitRatioOf, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const clock = new TestClock(alignedStart());
let ex: PaperExchangeHandle;
let host: BotHost;
let roi: HostedBotConfig;
let stop: HostedBotConfig;
let trail: HostedBotConfig;
let manual: HostedBotConfig;

/** Moves the clock, sets prices, and runs one iteration of every bot's loop. */
async function step(ms: number, prices: Record<string, number> = {}): Promise<void> {
  clock.advance(ms);
  for (const [pair, price] of Object.entries(prices)) ex.setPrice(pair, price);
  await host.runOnce();
}

const trades = async (bot: HostedBotConfig) => {
  const body = (await api.get(bot, '/trades')).body as { trades: Record<string, unknown>[]; total_trades: number };
  return body.trades;
};
const status = async (bot: HostedBotConfig) => schema.Status.parse((await api.get(bot, '/status')).body);

beforeAll(async () => {
  ex = await startFlatExchange(clock);
  roi = await tradingBot('roi', ex, { pairs: ['BTC/USDT'] });
  stop = await tradingBot('stop', ex, { pairs: ['ETH/USDT'] });
  trail = await tradingBot('trail', ex, {
    pairs: ['SOL/USDT'],
    strategy: crossStrategy({ minimalRoi: { '0': 1 }, trailingStop: true, trailingStopPositive: 0.02, trailingStopPositiveOffset: 0.03 }),
  });
  // Its entry rule never fires: it trades only on /forceenter.
  const never = { left: { price: 'close' as const }, op: '<' as const, right: { value: 1 } };
  manual = await tradingBot('manual', ex, { pairs: ['BNB/USDT'], strategy: crossStrategy({ maxOpenTrades: 1, entry: never }) });
  host = await startBotHost({ bots: [roi, stop, trail, manual] }, { processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, log: () => {} });
  // Minute 0 closes flat at 100; minute 1 closes at 102, crossing above its 3-candle SMA (100.67) on BTC, ETH and SOL.
  await step(10_000, { 'BTC/USDT': 100, 'ETH/USDT': 100, 'SOL/USDT': 100, 'BNB/USDT': 100 });
  await step(MINUTE, { 'BTC/USDT': 102, 'ETH/USDT': 102, 'SOL/USDT': 102 });
  await step(MINUTE);
});
afterAll(async () => {
  await host?.close();
  await ex?.close();
});

// An ordered story: one bot on one test clock, trading through entries, exits and control; its steps keep their order in a shuffled run (files still shuffle).
describe('in order', { shuffle: false }, () => {
  describe('entries', () => {
    it('opens a trade at the ask when the entry rule fires on the last closed candle, sized to the stake', async () => {
      for (const bot of [roi, stop, trail]) {
        const [t, ...rest] = await status(bot);
        expect(rest).toEqual([]);
        // 50 USDT at the ask of 102.01 is 0.49014..., rounded down to the 0.0001 step.
        expect(t).toMatchObject({ trade_id: 1, pair: bot.pairs[0], is_open: true, open_rate: 102.01, amount: 0.4901, fee_open: 0.001, strategy: 'SmaCross' });
        expect(t?.stake_amount).toBeCloseTo(0.4901 * 102.01, 10);
        expect(t?.current_rate).toBe(101.99);
        expect(t?.orders).toEqual([expect.objectContaining({ ft_order_side: 'buy', order_type: 'market', status: 'closed', filled: 0.4901, safe_price: 102.01 })]);
      }
      expect(await status(manual)).toEqual([]);
    });

    it('shows the open trade in count, balance and the stoploss it starts with', async () => {
      expect((await api.get(roi, '/count')).body).toEqual({ current: 1, max: 1, total_stake: expect.closeTo(49.995101, 8) });
      const bal = schema.Balances.parse((await api.get(roi, '/balance')).body);
      expect(bal.currencies.find((c) => c.currency === 'USDT')?.free).toBeCloseTo(50 - 49.995101, 8);
      expect(bal.currencies.find((c) => c.currency === 'BTC')).toMatchObject({ balance: 0.4901, est_stake: expect.closeTo(0.4901 * 101.99, 8) });
      // 102.01 * 0.95 = 96.9095, rounded up to the tick like FreqTrade.
      expect((await status(stop))[0]).toMatchObject({ stop_loss_abs: 96.91, stop_loss_ratio: -0.05, initial_stop_loss_abs: 96.91 });
    });
  });

  describe('exits', () => {
    beforeAll(async () => {
      // BTC: 5.65 % after fees beats the 5 % ROI. ETH: the bid 96.89 is below the 96.91 stop. SOL: +3.7 % starts trailing.
      await step(1_000, { 'BTC/USDT': 108, 'ETH/USDT': 96.9, 'SOL/USDT': 106 });
      await step(1_000, { 'SOL/USDT': 107 });
      await step(1_000, { 'SOL/USDT': 105 });
      await step(1_000, { 'SOL/USDT': 104.8 });
    });

    it('closes by ROI at the bid once the profit after fees exceeds the table', async () => {
      const [t] = await trades(roi);
      expect(t).toMatchObject({ trade_id: 1, is_open: false, exit_reason: 'roi', open_rate: 102.01, close_rate: 107.99, amount: 0.4901 });
      expect(t?.close_profit_abs).toBe(profitAbs(0.4901, 102.01, 107.99));
      expect(t?.close_profit).toBe(profitRatioOf(102.01, 107.99));
    });

    it('closes by stoploss at the bid that crossed the stop', async () => {
      const [t] = await trades(stop);
      expect(t).toMatchObject({ exit_reason: 'stop_loss', close_rate: 96.89, close_profit_abs: profitAbs(0.4901, 102.01, 96.89) });
    });

    it('trails the stop 2 % below the high once past the 3 % offset and closes there with trailing_stop_loss', async () => {
      const [t] = await trades(trail);
      // High bid 106.99: stop 106.99 * 0.98 = 104.8502 -> 104.86; the bid 104.99 holds, 104.79 exits.
      expect(t).toMatchObject({ exit_reason: 'trailing_stop_loss', close_rate: 104.79, max_rate: 106.99, stop_loss_abs: 104.86, initial_stop_loss_abs: 96.91, stop_loss_ratio: -0.02 });
      expect(t?.close_profit_abs).toBe(profitAbs(0.4901, 102.01, 104.79));
    });

    it('reports the fills exactly in profit, performance, daily and balance', async () => {
      const pnl = profitAbs(0.4901, 102.01, 107.99);
      const p = schema.Profit.parse((await api.get(roi, '/profit')).body);
      expect(p).toMatchObject({
        profit_closed_coin: pnl, profit_all_coin: pnl, trade_count: 1, closed_trade_count: 1, winning_trades: 1, losing_trades: 0,
        profit_closed_ratio_mean: profitRatioOf(102.01, 107.99), best_pair: 'BTC/USDT', winrate: 1,
      });
      expect(p.profit_closed_ratio).toBeCloseTo(pnl / 50, 12);
      expect(p.trading_volume).toBeCloseTo(0.4901 * 102.01 + 0.4901 * 107.99, 10);
      const loss = schema.Profit.parse((await api.get(stop, '/profit')).body);
      expect(loss).toMatchObject({ profit_closed_coin: profitAbs(0.4901, 102.01, 96.89), losing_trades: 1, winning_trades: 0 });
      expect((await api.get(roi, '/performance')).body).toEqual([
        { pair: 'BTC/USDT', profit_ratio: pnl / (0.4901 * 102.01), profit: expect.any(Number), profit_pct: expect.any(Number), profit_abs: pnl, count: 1 },
      ]);
      const daily = (await api.get(roi, '/daily?timescale=1')).body as { data: { date: string; abs_profit: number; trade_count: number }[] };
      expect(daily.data[0]).toMatchObject({ date: new Date(clock.now).toISOString().slice(0, 10), abs_profit: pnl, trade_count: 1 });
      const bal = schema.Balances.parse((await api.get(roi, '/balance')).body);
      expect(bal.currencies).toEqual([expect.objectContaining({ currency: 'USDT', free: expect.closeTo(50 + pnl, 8) })]);
      expect((await api.get(roi, '/count')).body).toEqual({ current: 0, max: 1, total_stake: 0 });
    });

    it('locks the pair until the next candle instead of re-entering on the same signal', async () => {
      const locks = schema.Locks.parse((await api.get(roi, '/locks')).body);
      expect(locks.locks).toEqual([expect.objectContaining({ pair: 'BTC/USDT', reason: 'Auto lock', side: 'long', active: true })]);
      expect(locks.locks[0]?.lock_end_timestamp).toBe(Math.floor(clock.now / MINUTE) * MINUTE + MINUTE);
      await step(1_000);
      expect(await status(roi)).toEqual([]);
    });

    it('keeps the logs FreqTrade users read, and health shows the last iteration on the bot clock', async () => {
      const logs = ((await api.get(trail, '/logs')).body as { logs: string[][] }).logs.map((l) => l[4]);
      expect(logs).toContain('Exit for SOL/USDT detected. Reason: trailing_stop_loss');
      const health = schema.Health.parse((await api.get(roi, '/health')).body);
      expect(health.last_process_ts).toBe(Math.floor(clock.now / 1000));
    });
  });

  describe('forceenter and forceexit', () => {
    it('enters at the ask and exits at the bid on request, with FreqTrade\'s answers and tags', async () => {
      const cfg = schema.ShowConfig.parse((await api.get(manual, '/show_config')).body);
      expect(cfg).toMatchObject({ force_entry_enable: true, timeframe: '1m', stoploss: -0.05, minimal_roi: { '0': 0.05 }, max_open_trades: 1 });
      const entered = await api.post(manual, '/forceenter', { pair: 'BNB/USDT' });
      expect(entered.status).toBe(200);
      expect(entered.body).toMatchObject({ trade_id: 1, pair: 'BNB/USDT', open_rate: 100.01, amount: 0.4999, enter_tag: 'force_entry', is_open: true });
      expect((await api.post(manual, '/forceenter', { pair: 'BNB/USDT' })).body).toEqual({ error: 'Error querying /api/v1/forceenter: position for BNB/USDT already open - id: 1' });
      expect((await api.post(manual, '/forceenter', { pair: 'XRP/USDT' })).body).toEqual({ error: 'Error querying /api/v1/forceenter: Maximum number of trades is reached.' });
      expect((await api.post(manual, '/forceenter', { pair: 'BNB/USDT', side: 'short' })).body).toEqual({ error: "Error querying /api/v1/forceenter: Can't go short on Spot markets." });
      expect((await api.post(manual, '/forceenter', { pair: 'NOPE/USDT' })).body).toEqual({ error: 'Error querying /api/v1/forceenter: Symbol does not exist or market is not active.' });

      ex.setPrice('BNB/USDT', 101);
      expect((await api.post(manual, '/forceexit', { tradeid: '1', ordertype: 'market' })).body).toEqual({ result: 'Created exit order for trade 1.' });
      const [t] = await trades(manual);
      expect(t).toMatchObject({ exit_reason: 'force_exit', close_rate: 100.99, close_profit_abs: profitAbs(0.4999, 100.01, 100.99) });
      expect((await api.post(manual, '/forceexit', { tradeid: '1' })).body).toEqual({ error: 'Error querying /api/v1/forceexit: invalid argument' });
    });

    it('exits every open trade with "all"', async () => {
      clock.advance(MINUTE);
      await api.post(manual, '/forceenter', { pair: 'BNB/USDT' });
      expect(await status(manual)).toHaveLength(1);
      expect((await api.post(manual, '/forceexit', { tradeid: 'all' })).body).toEqual({ result: 'Created exit orders for all open trades.' });
      expect(await status(manual)).toEqual([]);
      expect((await trades(manual)).map((t) => t['exit_reason'])).toEqual(['force_exit', 'force_exit']);
    });
  });

  describe('bot control while trading', () => {
    it('enters nothing while paused by /stopentry, and trades again after /start', async () => {
      expect((await api.post(roi, '/stopentry')).status).toBe(200);
      // BTC dips to 100 for a minute, then closes the next one at 106, above its SMA of (108 + 100 + 106) / 3.
      await step(MINUTE, { 'BTC/USDT': 100 });
      await step(MINUTE, { 'BTC/USDT': 106 });
      await step(MINUTE);
      expect(await status(roi)).toEqual([]);
      await api.post(roi, '/start');
      await step(1_000);
      expect(await status(roi)).toEqual([expect.objectContaining({ trade_id: 2, open_rate: 106.01 })]);
    });
  });
});

// Profit, wallet and stats figures computed from a small ledger, checked against FreqTrade's formulas by hand.
import { describe, expect, it } from 'vitest';
import { Balances, OpenTrade, Profit } from './freqtrade-api-schemas.js';
import { tradeStatusJson } from './trade-json.js';
import { TradeLedger, type LedgerTrade } from './trade-ledger.js';
import { computeProfit, formatDuration, humanizeAgo, timeunitProfit, tradeStats } from './trade-stats.js';
import { computeBalances, dryRunWallets, walletFigures } from './wallet.js';

const at = (iso: string): Date => new Date(`${iso}Z`);

function trade(over: Partial<LedgerTrade> & Pick<LedgerTrade, 'id' | 'pair'>): LedgerTrade {
  return {
    exchange: 'paper', strategy: 'TradefleetBuiltin', timeframe: 5, isOpen: false, amount: 1, amountRequested: 1,
    stakeAmount: 50, openRate: 50, openDate: at('2026-01-01T00:00:00'), openFillDate: at('2026-01-01T00:00:00'),
    closeRate: null, closeDate: null, closeProfit: null, closeProfitAbs: null, realizedProfit: 0, feeOpen: 0,
    feeClose: 0, enterTag: null, exitReason: null, stopLoss: null, stopLossPct: null, minRate: null, maxRate: null,
    filledVolume: 0, lastRate: null, ...over,
  };
}

function ledger(): TradeLedger {
  const l = new TradeLedger();
  l.add(trade({ id: 1, pair: 'BTC/USDT', amount: 0.001, openRate: 50_000, closeRate: 55_000, closeDate: at('2026-01-01T02:00:00'),
    closeProfit: 0.1, closeProfitAbs: 5, realizedProfit: 5, exitReason: 'roi', filledVolume: 105 }));
  l.add(trade({ id: 2, pair: 'ETH/USDT', amount: 0.02, openRate: 2_500, openDate: at('2026-01-02T00:00:00'), closeRate: 2_400,
    closeDate: at('2026-01-02T01:00:00'), closeProfit: -0.04, closeProfitAbs: -2, realizedProfit: -2, exitReason: 'stop_loss', filledVolume: 98 }));
  l.add(trade({ id: 3, pair: 'SOL/USDT', isOpen: true, openDate: at('2026-01-03T00:00:00'), openFillDate: at('2026-01-03T00:00:00'),
    lastRate: 55, filledVolume: 50 }));
  return l;
}

describe('computeProfit', () => {
  const now = at('2026-01-03T00:05:00');
  const p = computeProfit(ledger().all(), { startingBalance: 150, currentBalance: 153, botStart: at('2026-01-01T00:00:00'), now });

  it('matches the Profit schema', () => {
    expect(() => Profit.parse(p)).not.toThrow();
  });

  it('sums closed and open profit against the starting balance', () => {
    expect(p).toMatchObject({
      profit_closed_coin: 3, profit_closed_ratio_sum: expect.closeTo(0.06, 10), profit_closed_ratio: 0.02, profit_closed_percent: 2,
      profit_all_coin: 8, trade_count: 3, closed_trade_count: 2, winning_trades: 1, losing_trades: 1,
      profit_factor: 2.5, winrate: 0.5, best_pair: 'BTC/USDT', best_rate: 10, best_pair_profit_abs: 5,
      avg_duration: '1:30:00', first_trade_date: '2026-01-01 00:00:00', latest_trade_date: '2026-01-03 00:00:00',
      latest_trade_humanized: '5 minutes ago', trading_volume: 253,
    });
    expect(p.profit_closed_ratio_mean).toBeCloseTo(0.03, 10);
    expect(p.profit_all_ratio).toBeCloseTo(8 / 150, 10);
  });

  it('computes expectancy, drawdown and the risk ratios like metrics.py', () => {
    expect(p.expectancy).toBeCloseTo(1.5, 10);
    expect(p.expectancy_ratio).toBeCloseTo(0.75, 10);
    expect(p).toMatchObject({ max_drawdown_abs: 2, max_drawdown_start: '2026-01-01 02:00:00', max_drawdown_end: '2026-01-02 01:00:00' });
    expect(p.max_drawdown).toBeCloseTo(2 / 155, 10);
    expect(p.current_drawdown_abs).toBe(2);
    expect(p.sharpe).toBeCloseTo((0.01 / (0.07 / 3)) * Math.sqrt(365), 6);
    expect(p.sqn).toBe(0.4286);
    expect(p.cagr).toBeCloseTo((153 / 150) ** (365 / 2) - 1, 6);
  });

  it('gives the zero figures of an empty ledger, with an infinite (null in JSON) profit factor', () => {
    const empty = computeProfit([], { startingBalance: 150, currentBalance: 150, botStart: null, now });
    expect(JSON.parse(JSON.stringify(empty))).toMatchObject({ trade_count: 0, profit_factor: null, expectancy_ratio: 100, cagr: 0, sqn: 0 });
  });
});

describe('wallet and balance', () => {
  it('moves stake into open trades and back with closed profit', () => {
    const l = ledger();
    const wallets = dryRunWallets(l, 150, 'USDT');
    expect(wallets).toEqual([
      { currency: 'USDT', free: 103, used: 0, total: 103 },
      { currency: 'SOL', free: 1, used: 0, total: 1 },
    ]);
    expect(walletFigures(l, wallets, 'USDT')).toEqual({ startingBalance: 150, totalStakeAmount: 153, availableStakeAmount: 103 });
    const bal = Balances.parse(computeBalances(l, wallets, 'USDT', true));
    expect(bal.total).toBe(158);
    expect(bal.starting_capital_ratio).toBeCloseTo(158 / 150 - 1, 10);
    expect(bal.currencies[1]).toMatchObject({ currency: 'SOL', est_stake: 55, bot_owned: 1, is_bot_managed: true });
  });

  it('reports an open trade in the OpenTradeSchema shape with its current profit', () => {
    const open = ledger().open()[0] as LedgerTrade;
    const json = OpenTrade.parse(tradeStatusJson(open));
    expect(json).toMatchObject({ trade_id: 3, current_rate: 55, profit_abs: 5, profit_ratio: expect.closeTo(0.1, 10), base_currency: 'SOL' });
  });
});

describe('period and exit statistics', () => {
  it('buckets closed profit by day, newest first', () => {
    const days = timeunitProfit(ledger().all(), 3, 'days', 153, at('2026-01-02T12:00:00'));
    expect(days.map((d) => [d.date, d.abs_profit, d.trade_count])).toEqual([
      ['2026-01-02', -2, 1],
      ['2026-01-01', 5, 1],
      ['2025-12-31', 0, 0],
    ]);
    expect(days[0]?.starting_balance).toBe(155);
  });

  it('counts wins and losses per exit reason', () => {
    expect(tradeStats(ledger().all())).toEqual({
      exit_reasons: { roi: { wins: 1, losses: 0, draws: 0 }, stop_loss: { wins: 0, losses: 1, draws: 0 } },
      durations: { wins: 7200, draws: null, losses: 3600 },
    });
  });

  it('formats durations and ages like Python', () => {
    expect(formatDuration(93_784)).toBe('1 day, 2:03:04');
    expect(humanizeAgo(at('2026-01-01T00:00:00'), at('2026-01-01T01:00:30'))).toBe('an hour ago');
  });
});

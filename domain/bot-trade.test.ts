// Reading FreqTrade's trade JSON into the ledger's shape: dates in UTC, realized profit only for closed trades.
import { describe, expect, it } from 'vitest';
import { FreqtradeTradeJson, tradeFromFreqtrade } from './bot-trade.js';

const base = {
  trade_id: 4, pair: 'ETH/USDT', is_open: false, amount: 0.02, stake_amount: 70, open_rate: 3500,
  open_date: '2026-11-20 10:00:00', close_date: '2026-11-20 12:30:15', close_rate: 3600,
  close_profit: 0.0266, close_profit_abs: 1.86, profit_ratio: 0.0266, profit_abs: 1.86, fee_open: 0.001, fee_close: 0.001,
  exit_reason: 'roi', strategy: 'SampleStrategy',
};

describe('tradeFromFreqtrade', () => {
  it('reads FreqTrade’s space-separated UTC dates and keeps a closed trade’s realized profit', () => {
    expect(tradeFromFreqtrade(FreqtradeTradeJson.parse(base))).toEqual({
      tradeId: 4, pair: 'ETH/USDT', isOpen: false, amount: 0.02, stakeAmount: 70, openRate: 3500, closeRate: 3600,
      openDate: '2026-11-20T10:00:00.000Z', closeDate: '2026-11-20T12:30:15.000Z', profitAbs: 1.86, profitRatio: 0.0266,
      feeOpen: 0.001, feeClose: 0.001, exitReason: 'roi',
    });
  });

  it('prefers the millisecond timestamps when the bot sends them', () => {
    const t = tradeFromFreqtrade(FreqtradeTradeJson.parse({ ...base, open_timestamp: Date.parse('2026-11-20T10:00:00.250Z') }));
    expect(t.openDate).toBe('2026-11-20T10:00:00.250Z');
  });

  it('keeps no profit, close rate or close date for an open trade: its profit follows the market', () => {
    const open = { ...base, is_open: true, close_date: null, close_rate: null, close_profit: null, close_profit_abs: null, profit_abs: 0.9, profit_ratio: 0.01, current_rate: 3545 };
    expect(tradeFromFreqtrade(FreqtradeTradeJson.parse(open))).toMatchObject({ isOpen: true, closeRate: null, closeDate: null, profitAbs: null, profitRatio: null });
  });
});

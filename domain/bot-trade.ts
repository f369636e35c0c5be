// A bot trade as the platform's ledger keeps it, and how it is read from FreqTrade's trade JSON (/trades, /status).
import { z } from 'zod';

export const BotTrade = z.object({
  tradeId: z.number().int(),
  pair: z.string(),
  isOpen: z.boolean(),
  amount: z.number(),
  stakeAmount: z.number(),
  openRate: z.number(),
  closeRate: z.number().nullable(),
  openDate: z.string(),
  closeDate: z.string().nullable(),
  /** Realized profit in the stake currency; null while the trade is open. */
  profitAbs: z.number().nullable(),
  profitRatio: z.number().nullable(),
  feeOpen: z.number().nullable(),
  feeClose: z.number().nullable(),
  exitReason: z.string().nullable(),
});
export type BotTrade = z.infer<typeof BotTrade>;

const num = z.number().nullish();

/** The fields of FreqTrade's TradeSchema / OpenTradeSchema the ledger keeps; every other field stays in `raw`. */
export const FreqtradeTradeJson = z.looseObject({
  trade_id: z.number().int(),
  pair: z.string(),
  is_open: z.boolean(),
  amount: z.number(),
  stake_amount: z.number(),
  open_rate: z.number(),
  close_rate: num,
  open_date: z.string(),
  open_timestamp: num,
  close_date: z.string().nullish(),
  close_timestamp: num,
  close_profit: num,
  close_profit_abs: num,
  profit_ratio: num,
  profit_abs: num,
  fee_open: num,
  fee_close: num,
  exit_reason: z.string().nullish(),
});
export type FreqtradeTradeJson = z.infer<typeof FreqtradeTradeJson>;

/** FreqTrade writes dates as `YYYY-MM-DD HH:MM:SS` in UTC; the millisecond timestamp beside them is exact. */
function isoDate(text: string | null | undefined, timestamp: number | null | undefined): string | null {
  if (typeof timestamp === 'number') return new Date(timestamp).toISOString();
  if (!text) return null;
  const parsed = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

export function tradeFromFreqtrade(json: FreqtradeTradeJson): BotTrade {
  const closed = !json.is_open;
  return {
    tradeId: json.trade_id,
    pair: json.pair,
    isOpen: json.is_open,
    amount: json.amount,
    stakeAmount: json.stake_amount,
    openRate: json.open_rate,
    closeRate: closed ? (json.close_rate ?? null) : null,
    openDate: isoDate(json.open_date, json.open_timestamp) ?? new Date(0).toISOString(),
    closeDate: closed ? isoDate(json.close_date, json.close_timestamp) : null,
    // For an open trade FreqTrade's profit_abs is the profit at the current rate: the valuation derives it from prices.
    profitAbs: closed ? (json.close_profit_abs ?? json.profit_abs ?? null) : null,
    profitRatio: closed ? (json.close_profit ?? json.profit_ratio ?? null) : null,
    feeOpen: json.fee_open ?? null,
    feeClose: json.fee_close ?? null,
    exitReason: json.exit_reason ?? null,
  };
}


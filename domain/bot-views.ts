// The trader's views of one bot (FreqUI's): chart, closed trades, profit by period, per-pair performance, locks, log,
// pair lists; the inputs the platform's API takes for them and the shapes it answers with, for every engine alike.
import { z } from 'zod';
import { Pair } from './bot.js';
import { TIMEFRAMES } from './strategy-checks.js';

const intParam = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const ChartQuery = z
  .object({
    pair: Pair,
    /** Absent: the strategy's own timeframe. */
    timeframe: z.enum(TIMEFRAMES, 'must be one of 1m, 5m, 15m, 1h, 4h, 1d').optional(),
    limit: intParam(10, 1000, 300),
  })
  .strict();
export const TradesQuery = z.object({ limit: intParam(1, 500, 20), offset: intParam(0, 1_000_000, 0) }).strict();
export const PeriodQuery = z
  .object({ unit: z.enum(['daily', 'weekly', 'monthly'], 'must be daily, weekly or monthly'), count: intParam(1, 365, 7) })
  .strict();
export const LogsQuery = z.object({ limit: intParam(1, 500, 100) }).strict();
/** Adds pairs to (`add`) or takes them off (`remove`) the bot's blacklist: entries stop (or start again) at once. */
export const BlacklistInput = z
  .object({
    add: z.array(z.string().trim().min(1).max(40)).max(50).default([]),
    remove: z.array(z.string().trim().min(1).max(40)).max(50).default([]),
  })
  .strict()
  .refine((v) => v.add.length + v.remove.length > 0, { message: 'name at least one pair to add or remove', path: ['add'] });

const num = z.number();
const numOrNull = z.number().nullable();

export const ChartCandle = z.object({ time: num, open: num, high: num, low: num, close: num, volume: num });
/** One indicator line: `panel` is "main" (over the candles) or the name of its subplot. */
export const ChartSeries = z.object({
  column: z.string(), panel: z.string(), color: z.string(), kind: z.enum(['line', 'bar']),
  points: z.array(z.tuple([num, numOrNull])),
});
/** An entry or exit of one of the bot's own trades on the chart's pair. */
export const ChartMarker = z.object({ time: num, kind: z.enum(['entry', 'exit']), price: num, tradeId: z.number().int(), text: z.string() });
export const BotChart = z.object({
  pair: z.string(), timeframe: z.string(), strategy: z.string(), strategyTimeframe: z.string().nullable(),
  candles: z.array(ChartCandle), series: z.array(ChartSeries), markers: z.array(ChartMarker),
});
export type BotChart = z.infer<typeof BotChart>;

export const ClosedTrade = z.object({
  tradeId: z.number().int(), pair: z.string(), amount: num, stakeAmount: num, openRate: num, closeRate: numOrNull,
  openDate: z.string(), closeDate: z.string().nullable(), profitAbs: numOrNull, profitRatio: numOrNull,
  enterTag: z.string().nullable(), exitReason: z.string().nullable(),
});
export const TradesPage = z.object({ trades: z.array(ClosedTrade), total: z.number().int(), offset: z.number().int(), limit: z.number().int() });
export type TradesPage = z.infer<typeof TradesPage>;

export const ProfitPeriods = z.object({
  unit: z.string(), stakeCurrency: z.string(),
  periods: z.array(z.object({ date: z.string(), profitAbs: num, profitRatio: num, tradeCount: z.number().int() })),
});
export type ProfitPeriods = z.infer<typeof ProfitPeriods>;

export const PairPerformance = z.array(z.object({ pair: z.string(), profitAbs: num, profitRatio: num, count: z.number().int() }));
export type PairPerformance = z.infer<typeof PairPerformance>;

export const PairLockView = z.object({ id: z.number().int(), pair: z.string(), until: z.string(), reason: z.string().nullable(), side: z.string() });
export const PairLocksView = z.array(PairLockView);
export type PairLocksView = z.infer<typeof PairLocksView>;

export const LogLine = z.object({ time: num, level: z.string(), logger: z.string(), message: z.string() });
export const LogLines = z.array(LogLine);
export type LogLines = z.infer<typeof LogLines>;

export const PairLists = z.object({
  whitelist: z.array(z.string()), blacklist: z.array(z.string()), configured: z.array(z.string()),
  /** Whether the bot enters new trades (FreqTrade's state running) or only manages open ones (paused by stopbuy). */
  state: z.string(),
});
export type PairLists = z.infer<typeof PairLists>;

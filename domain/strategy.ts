// Declarative strategies for the builtin engine: versionable JSON (indicators, entry/exit rules, ROI, stoploss, trailing stop) and its zod schema.
import { z } from 'zod';
import {
  checkRule,
  INDICATOR_ID,
  MAX_PERIOD,
  MAX_STARTUP_CANDLES,
  MIN_PERIOD,
  SOURCES,
  strategyIssues,
  TIMEFRAMES,
  type Rule,
  type StrategyIssue,
} from './strategy-checks.js';

const period = (what: string) =>
  z.number().int(`${what} must be a whole number of candles`).min(MIN_PERIOD, `${what} must be at least ${MIN_PERIOD}`).max(MAX_PERIOD, `${what} must be at most ${MAX_PERIOD}`);
const id = z.string().regex(INDICATOR_ID, 'must start with a letter and hold up to 32 letters, digits or _');
const source = z.enum(SOURCES).default('close');

export const IndicatorSpec = z.discriminatedUnion('type', [
  z.strictObject({ id, type: z.literal('sma'), period: period('period'), source }),
  z.strictObject({ id, type: z.literal('ema'), period: period('period'), source }),
  z.strictObject({ id, type: z.literal('rsi'), period: period('period'), source }),
  z.strictObject({ id, type: z.literal('macd'), fast: period('fast'), slow: period('slow'), signal: period('signal'), source }),
  z.strictObject({ id, type: z.literal('bbands'), period: period('period'), stdDev: z.number().positive().max(10).default(2), source }),
]);
export type IndicatorSpec = z.output<typeof IndicatorSpec>;

/** Rules are checked by the zod-free checker the bot host shares, so both accept exactly the same trees. */
const RuleSchema = z.unknown().transform((value, ctx): Rule => {
  const issues: StrategyIssue[] = [];
  const rule = checkRule(value, [], issues);
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return rule ?? (z.NEVER as never);
});

const ratio = z.number().positive().lt(1);

export const Strategy = z
  .strictObject({
    schemaVersion: z.literal(1),
    name: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters'),
    timeframe: z.enum(TIMEFRAMES),
    /** Closed candles the indicators need before the first signal (FreqTrade's startup_candle_count). */
    startupCandles: z.number().int().min(0).max(MAX_STARTUP_CANDLES),
    indicators: z.array(IndicatorSpec).max(20),
    entry: RuleSchema,
    exit: RuleSchema,
    /** Minutes since the trade opened → profit ratio that closes it (FreqTrade's minimal_roi). */
    minimalRoi: z.record(z.string(), z.number().finite()),
    /** Loss ratio that closes a trade, e.g. -0.10 (FreqTrade's stoploss). */
    stoploss: z.number().min(-1, 'must be at least -1 (a 100 % loss)').negative('must be negative, e.g. -0.10 for 10 %'),
    trailingStop: z.boolean().default(false),
    trailingStopPositive: ratio.optional(),
    trailingStopPositiveOffset: z.number().min(0).lt(10).optional(),
    trailingOnlyOffsetIsReached: z.boolean().optional(),
    maxOpenTrades: z.number().int().min(1).max(1000).optional(),
  })
  // A transform, not a refinement: it runs only once the shape is valid, so the cross-field checks can trust it.
  .transform((s, ctx) => {
    for (const issue of strategyIssues(s)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return s;
  });
export type Strategy = z.output<typeof Strategy>;
export type StrategyInput = z.input<typeof Strategy>;

export type StrategyParseResult = { success: true; data: Strategy } | { success: false; issues: string[] };

/** Parses a strategy; every issue reads `path: message`, e.g. `entry.all.0.left.indicator: unknown indicator 'rsi7'`. */
export function parseStrategy(input: unknown): StrategyParseResult {
  const r = Strategy.safeParse(input);
  if (r.success) return { success: true, data: r.data };
  return { success: false, issues: r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`) };
}

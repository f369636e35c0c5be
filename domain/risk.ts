// Risk guards (max drawdown, max daily loss) per bot or per portfolio: the rules a user sets, and the pure evaluation
// of one equity reading against them (the workflow `risk:<id>` keeps the book durable between readings).
import { z } from 'zod';

const percent = z
  .number({ message: 'must be a percentage' })
  .gt(0, { message: 'must be above 0 %' })
  .lt(100, { message: 'must be below 100 %' });

export const RiskRules = z.object({
  /** Largest fall from the highest equity seen, in %. */
  maxDrawdownPct: percent.optional(),
  /** Largest fall since the start of the UTC day, in % of the equity then. */
  maxDailyLossPct: percent.optional(),
  /** On a breach also exit every open trade (else: only stop new entries). */
  forceExit: z.boolean().default(false),
  checkIntervalSeconds: z.number().int().min(5, { message: 'must be at least 5 seconds' }).max(3600, { message: 'must be at most 3600 seconds' }).default(15),
});
export type RiskRules = z.infer<typeof RiskRules>;

export const RiskScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bot'), botId: z.uuid({ message: 'must be the id of one of your bots' }) }),
  z.object({ kind: z.literal('portfolio') }),
]);
export type RiskScope = z.infer<typeof RiskScope>;

export const CreateRiskGuardInput = z.object({ scope: RiskScope }).and(RiskRules);
export type CreateRiskGuardInput = z.infer<typeof CreateRiskGuardInput>;

export function riskRuleIssue(rules: RiskRules): { field: string; message: string } | null {
  if (rules.maxDrawdownPct === undefined && rules.maxDailyLossPct === undefined) {
    return { field: 'maxDrawdownPct', message: 'set a max drawdown, a max daily loss, or both' };
  }
  return null;
}

/** What the guard remembers between readings. */
export interface RiskBook {
  peakEquity: number;
  /** UTC day (YYYY-MM-DD) the day-start equity belongs to. */
  day: string;
  dayStartEquity: number;
}

export interface RiskBreach {
  rule: 'max_drawdown' | 'max_daily_loss';
  valuePct: number;
  limitPct: number;
  message: string;
}

export interface RiskReading {
  book: RiskBook;
  drawdownPct: number;
  dailyLossPct: number;
  breach: RiskBreach | null;
}

const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** One equity reading: the updated book, the drawdown and daily loss now, and the first rule it breaks. */
export function evaluateRisk(book: RiskBook | null, equity: number, at: Date, rules: RiskRules): RiskReading {
  const day = utcDay(at);
  const next: RiskBook = {
    peakEquity: Math.max(book?.peakEquity ?? equity, equity),
    day,
    dayStartEquity: book && book.day === day ? book.dayStartEquity : equity,
  };
  const drawdownPct = next.peakEquity > 0 ? round((1 - equity / next.peakEquity) * 100) : 0;
  const dailyLossPct = next.dayStartEquity > 0 ? round((1 - equity / next.dayStartEquity) * 100) : 0;
  let breach: RiskBreach | null = null;
  if (rules.maxDrawdownPct !== undefined && drawdownPct >= rules.maxDrawdownPct) {
    breach = {
      rule: 'max_drawdown', valuePct: drawdownPct, limitPct: rules.maxDrawdownPct,
      message: `drawdown ${drawdownPct} % from the peak ${next.peakEquity} reached the limit of ${rules.maxDrawdownPct} %`,
    };
  } else if (rules.maxDailyLossPct !== undefined && dailyLossPct >= rules.maxDailyLossPct) {
    breach = {
      rule: 'max_daily_loss', valuePct: dailyLossPct, limitPct: rules.maxDailyLossPct,
      message: `loss today ${dailyLossPct} % from ${next.dayStartEquity} reached the limit of ${rules.maxDailyLossPct} %`,
    };
  }
  return { book: next, drawdownPct, dailyLossPct, breach };
}

/** After the user resumes a tripped guard, it measures afresh from the equity then. */
export const freshBook = (equity: number, at: Date): RiskBook => ({ peakEquity: equity, day: utcDay(at), dayStartEquity: equity });

export const RISK_STATES = ['watching', 'tripped', 'cancelled'] as const;
export type RiskState = (typeof RISK_STATES)[number];

export interface RiskGuard {
  id: string;
  userId: string;
  scope: RiskScope;
  rules: RiskRules;
  state: RiskState;
  book: RiskBook | null;
  lastEquity: number | null;
  lastCheckedAt: string | null;
  drawdownPct: number | null;
  dailyLossPct: number | null;
  trippedReason: string | null;
  trippedAt: string | null;
  createdAt: string;
}

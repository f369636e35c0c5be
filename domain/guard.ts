// Position guards (trailing stop + take-profit ladder) as the platform's own risk feature: what a user asks for as zod
// schemas (the API and the dashboard use them; the guard's workflow uses their zod-free twin in guard-rules.ts), and the
// guard's view.
import { z } from 'zod';
import type { CreateGuardInput as CreateGuard, GuardRules as Rules, GuardTargetInput as Target } from './guard-rules.js';

export { guardRuleIssue, targetPrice, type GuardRuleIssue } from './guard-rules.js';

/** What a guard protects: an open trade of one of the user's bots, or a holding on one of the user's exchange accounts. */
export const GuardTargetInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('bot_trade'),
    botId: z.uuid({ message: 'must be the id of one of your bots' }),
    tradeId: z.number({ message: 'must be the id of an open trade of the bot' }).int().positive(),
  }),
  z.object({
    kind: z.literal('wallet'),
    exchangeAccountId: z.uuid({ message: 'must be the id of one of your exchange accounts' }),
    symbol: z.string().regex(/^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/, { message: 'must be a pair like BTC/USDT' }),
    amount: z.number({ message: 'must be the amount of the base asset to protect' }).positive({ message: 'must be above 0' }),
    /** What the holding cost; defaults to the price when the guard starts. */
    entryPrice: z.number().positive({ message: 'must be above 0' }).optional(),
  }),
]);
export type GuardTargetInput = z.infer<typeof GuardTargetInput>;

const percent = (what: string) =>
  z.number({ message: `must be a percentage (${what})` }).gt(0, { message: 'must be above 0 %' }).lt(100, { message: 'must be below 100 %' });

/**
 * Trailing stop, FreqTrade-compatible where they overlap: `trailPct` is trailing_stop_positive (distance below the
 * peak), `activationOffsetPct` is trailing_stop_positive_offset with trailing_only_offset_is_reached, `stoplossPct` is the
 * stoploss below the entry. An activation price is the offset as a price.
 */
export const TrailInput = z.object({
  trailPct: percent('distance of the stop below the peak'),
  activationPrice: z.number().positive({ message: 'must be above 0' }).optional(),
  activationOffsetPct: z.number().gt(0, { message: 'must be above 0 %' }).lt(1000, { message: 'must be below 1000 %' }).optional(),
  /** A stop below the entry that holds before activation; without it nothing triggers before activation. */
  stoplossPct: percent('initial stop below the entry').optional(),
});
export type TrailInput = z.infer<typeof TrailInput>;

export const TakeProfitTargetInput = z.object({
  price: z.number().positive({ message: 'must be above 0' }).optional(),
  /** Gain over the entry price. */
  pct: z.number().gt(0, { message: 'must be above 0 %' }).lt(10_000, { message: 'must be below 10000 %' }).optional(),
  /** Fraction of the position's original amount to sell at this target. */
  fraction: z.number({ message: 'must be a fraction of the position, above 0 and at most 1' }).gt(0, { message: 'must be above 0' }).lte(1, { message: 'must be at most 1' }),
});
export type TakeProfitTargetInput = z.infer<typeof TakeProfitTargetInput>;

export const TakeProfitInput = z.object({
  targets: z.array(TakeProfitTargetInput).min(1, { message: 'needs at least one target' }).max(10, { message: 'allows at most 10 targets' }),
  /** After the first target sells, the stop moves up to the entry price (break-even). */
  breakEvenAfterFirst: z.boolean().default(false),
});
export type TakeProfitInput = z.infer<typeof TakeProfitInput>;

/** The adjustable part of a guard: what an edit replaces. */
export const GuardRules = z.object({ trail: TrailInput.optional(), takeProfit: TakeProfitInput.optional() });
export type GuardRules = z.infer<typeof GuardRules>;

export const CreateGuardInput = z.object({ target: GuardTargetInput }).and(GuardRules);
export type CreateGuardInput = z.infer<typeof CreateGuardInput>;

/** Most guards one batch creates (its workflow's input and answer stay well under Temporal's payload limits). */
export const MAX_GUARD_BATCH = 1000;
/** `POST /api/guards/batch`: wallet guards created together, all or none. */
export const CreateGuardBatchInput = z.object({
  guards: z.array(CreateGuardInput).min(1, { message: 'needs at least one guard' }).max(MAX_GUARD_BATCH, { message: `allows at most ${MAX_GUARD_BATCH} guards` }),
});

// The workflow checks with guard-rules.ts (zod-free); these schemas must describe exactly its types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<GuardRules, Rules> & Same<CreateGuardInput, CreateGuard> & Same<GuardTargetInput, Target>;

export const GUARD_STATES = ['watching', 'exiting', 'exited', 'completed', 'cancelled', 'failed'] as const;
export type GuardState = (typeof GUARD_STATES)[number];
/** States in which the guard still watches the price. */
export const isLiveGuard = (state: GuardState): boolean => state === 'watching' || state === 'exiting';

/** What the API and the dashboard show of a guard. */
export interface Guard {
  id: string;
  userId: string;
  target: { kind: 'bot_trade'; botId: string; tradeId: number } | { kind: 'wallet'; exchangeAccountId: string };
  exchangeId: string;
  symbol: string;
  entryPrice: number;
  amount: number;
  remaining: number;
  rules: GuardRules;
  state: GuardState;
  peak: number;
  peakAt: string;
  lastPrice: number | null;
  lastPriceAt: string | null;
  /** Price at or below which the guard exits; null while nothing can trigger (before activation, no stoploss). */
  stopPrice: number | null;
  /** Distance from the last price down to the stop, in % of the last price. */
  distancePct: number | null;
  nextTarget: number;
  breakEven: boolean;
  lastError: string | null;
  /**
   * The guard should act (its stop is crossed or its target reached) and has not yet, for longer than it should
   * take: the platform is overloaded and works through its backlog. `laggingSince` says since when.
   */
  lagging: boolean;
  laggingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One row of a guard's event log (exits, edits, failures), as `GET /api/guards/:id` returns it. */
export const GuardEvent = z.object({
  step: z.number(),
  /** `trailing_stop`, `stoploss`, `take_profit`, `position_gone`, `exit_failed` or `edited`. */
  kind: z.string(),
  price: z.number().nullable(),
  peak: z.number().nullable(),
  amount: z.number().nullable(),
  orderId: z.string().nullable(),
  /** For an edit: the new rules as JSON; for a failure: why. */
  detail: z.string().nullable(),
  at: z.string(),
});
export type GuardEvent = z.infer<typeof GuardEvent>;


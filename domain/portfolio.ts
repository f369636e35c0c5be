// Portfolio: one valuation of everything a user holds (wallets and bots) in their quote currency; what dry-run bots
// hold is simulated money, labelled as such and totalled apart from real holdings.
import { z } from 'zod';

export const Holding = z.object({
  asset: z.string(),
  amount: z.number(),
  /** Price of one unit in the quote currency; null when no market prices it. */
  price: z.number().nullable(),
  value: z.number(),
  source: z.enum(['wallet', 'bot']),
  /** The exchange account (wallet) or bot that holds it. */
  sourceId: z.string(),
  sourceLabel: z.string(),
  /** Held by a dry-run bot: simulated money, not in `total`. */
  simulated: z.boolean(),
});
export type Holding = z.infer<typeof Holding>;

export const OpenPosition = z.object({
  tradeId: z.number().int(),
  pair: z.string(),
  amount: z.number(),
  openRate: z.number(),
  currentRate: z.number().nullable(),
  value: z.number(),
  unrealizedPnl: z.number(),
  unrealizedPnlRatio: z.number(),
  openedAt: z.string(),
});
export type OpenPosition = z.infer<typeof OpenPosition>;

export const BotPnl = z.object({
  botId: z.string(),
  name: z.string(),
  status: z.string(),
  /** A dry-run bot: its stake is a simulated wallet and its value is in `simulated`, not in `total`. */
  simulated: z.boolean(),
  stake: z.number(),
  realizedPnl: z.number(),
  unrealizedPnl: z.number(),
  value: z.number(),
  openPositions: z.array(OpenPosition),
  closedTrades: z.number().int(),
});
export type BotPnl = z.infer<typeof BotPnl>;

export const AllocationSlice = z.object({ asset: z.string(), value: z.number(), weight: z.number() });

/** What dry-run bots hold and made: simulated money, never added to the real figures. */
export const SimulatedTotals = z.object({ total: z.number(), realizedPnl: z.number(), unrealizedPnl: z.number() });

export const Valuation = z.object({
  quote: z.string(),
  at: z.string(),
  /** Real holdings: wallets and live bots. */
  total: z.number(),
  walletsTotal: z.number(),
  /** Live bots only. */
  botsTotal: z.number(),
  /** Live bots' P&L. */
  realizedPnl: z.number(),
  unrealizedPnl: z.number(),
  simulated: SimulatedTotals,
  holdings: z.array(Holding),
  allocation: z.array(AllocationSlice),
  bots: z.array(BotPnl),
  /** Assets that could not be priced (no market to the quote currency), so they are not in `total`. */
  unpriced: z.array(z.string()),
});
export type Valuation = z.infer<typeof Valuation>;

export const ValuationPoint = z.object({ at: z.string(), total: z.number() });
export type ValuationPoint = z.infer<typeof ValuationPoint>;

export const HistoryRange = z.enum(['1h', '24h', '7d', '30d']);
export type HistoryRange = z.infer<typeof HistoryRange>;

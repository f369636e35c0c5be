// The fleet view: every bot of a user side by side (FreqUI's multi-bot dashboard), from the platform's trade ledger,
// so a deleted bot's realized history stays in it. Pure figures: win rate and drawdown of closed trades.
import { z } from 'zod';

export const FleetBot = z.object({
  botId: z.string(),
  name: z.string(),
  /** The bot's status, or "deleted" for a bot that is gone but whose trades the ledger keeps. */
  status: z.string(),
  engine: z.string().nullable(),
  stakeCurrency: z.string(),
  openTrades: z.number().int(),
  closedTrades: z.number().int(),
  /** Realized profit of closed trades, in the stake currency. */
  profitAbs: z.number(),
  /** Share of closed trades with a profit above zero; null before the first closed trade. */
  winRate: z.number().nullable(),
  /** Largest fall of cumulative realized profit from its high, in the stake currency (0 when it never fell). */
  maxDrawdownAbs: z.number(),
  lastTradeAt: z.string().nullable(),
});
export type FleetBot = z.infer<typeof FleetBot>;

/** Win rate and the largest peak-to-trough fall of cumulative profit, over closed trades in closing order. */
export function closedTradeFigures(profits: readonly number[]): { winRate: number | null; maxDrawdownAbs: number; profitAbs: number } {
  let cumulative = 0;
  let high = 0;
  let drawdown = 0;
  for (const p of profits) {
    cumulative += p;
    high = Math.max(high, cumulative);
    drawdown = Math.max(drawdown, high - cumulative);
  }
  const wins = profits.filter((p) => p > 0).length;
  return { winRate: profits.length ? wins / profits.length : null, maxDrawdownAbs: drawdown, profitAbs: cumulative };
}

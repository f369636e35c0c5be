// What the dashboard shows of a running bot's trading, as read from the bot's own FreqTrade REST API.
import { z } from 'zod';
import { Pair } from './bot.js';

export interface BotOpenTrade {
  tradeId: number;
  pair: string;
  amount: number;
  stakeAmount: number;
  openRate: number;
  openDate: string;
  currentRate: number | null;
  profitAbs: number | null;
  profitRatio: number | null;
}

export interface BotTradingView {
  openTrades: BotOpenTrade[];
  /** In the stake currency: realized (closed trades) and realized + unrealized. */
  profit: { closedProfit: number; allProfit: number; tradeCount: number; closedTradeCount: number };
  /** The bot's wallet (simulated in dry-run), valued in the stake currency. */
  balance: { total: number; currency: string; currencies: Array<{ currency: string; free: number; used: number; balance: number }> };
}

/** POST /api/bots/:id/forceenter: an entry on one of the bot's pairs, with an optional stake (default: the bot's) and limit price. */
export const ForceEnterInput = z
  .object({
    pair: Pair,
    stakeAmount: z.number().positive('must be more than 0').max(1e9, 'is too large').optional(),
    /** A limit price; without one the entry is a market order (builtin bots take market entries only). */
    price: z.number().positive('must be more than 0').max(1e12, 'is too large').optional(),
  })
  .strict();
export type ForceEnterInput = z.infer<typeof ForceEnterInput>;

/** What a forced exit did, as the bot reports the trade right after it: closed at a price with a profit, or still closing. */
export interface ForceExitOutcome {
  tradeId: number;
  pair: string;
  /** False when the exit order had not filled yet when the answer was sent (the trade closes when it fills). */
  closed: boolean;
  closeRate: number | null;
  profitAbs: number | null;
  profitRatio: number | null;
}

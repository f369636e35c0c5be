// What the dashboard shows of a running bot's trading, as read from the bot's own FreqTrade REST API.

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

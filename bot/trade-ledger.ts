// A bot's trades in memory: the ledger the trading engine records into, with the profit and performance figures derived from it.

/** One spot trade as the bot keeps it. Dates are UTC; ratios are fractions (0.01 = 1 %). */
export interface LedgerTrade {
  id: number;
  pair: string;
  exchange: string;
  strategy: string;
  /** Strategy timeframe in minutes, as FreqTrade's trade JSON carries it. */
  timeframe: number;
  isOpen: boolean;
  amount: number;
  amountRequested: number;
  /** Stake still in the trade: what partial exits sold is taken out at the open rate (FreqTrade's stake_amount). */
  stakeAmount: number;
  /** Stake the entry put in, which partial exits leave as is (FreqTrade's max_stake_amount); absent: stakeAmount. */
  maxStakeAmount?: number;
  openRate: number;
  openDate: Date;
  /** When the entry order filled; null while it is still open. */
  openFillDate: Date | null;
  closeRate: number | null;
  closeDate: Date | null;
  /** Closed: profit of all exits over the entry's cost with fees. Open after partial exits: realized so far, likewise. */
  closeProfit: number | null;
  /** Closed: profit of all exits. Open after partial exits: profit of the last one (FreqTrade's close_profit_abs). */
  closeProfitAbs: number | null;
  /** Profit of the exits so far, partial ones included. */
  realizedProfit: number;
  feeOpen: number;
  feeClose: number;
  enterTag: string | null;
  exitReason: string | null;
  stopLoss: number | null;
  stopLossPct: number | null;
  minRate: number | null;
  maxRate: number | null;
  /** Cost of this trade's filled orders (entry and exit): FreqTrade's trading volume. */
  filledVolume: number;
  /** Last exit-side price seen for the pair; null when no price is known yet. */
  lastRate: number | null;
  /** Stop where the trade started, before any trailing (FreqTrade's initial_stop_loss). */
  initialStopLoss?: number | null;
  initialStopLossPct?: number | null;
  stoplossLastUpdate?: Date | null;
  /** The trade's filled orders, entry first. */
  orders?: LedgerOrder[];
}

/** One filled order of a trade, in the fields of FreqTrade's OrderSchema. */
export interface LedgerOrder {
  orderId: string;
  side: 'buy' | 'sell';
  amount: number;
  filled: number;
  price: number;
  cost: number;
  /** Fee taken in the base asset (Binance takes a buy's fee from what it delivers). */
  feeBase: number | null;
  placedAt: Date;
  filledAt: Date | null;
  /** enter_tag of an entry, exit reason of an exit. */
  tag: string | null;
}

/** The trades of one bot. Empty until the trading engine records trades; every figure is derived from it. */
export class TradeLedger {
  private readonly trades: LedgerTrade[] = [];

  private lastId = 0;

  add(trade: LedgerTrade): void {
    this.trades.push(trade);
    this.lastId = Math.max(this.lastId, trade.id);
  }

  /** The id the next trade gets (FreqTrade's trades.id sequence: never reused, even after a removal). */
  nextId(): number {
    return this.lastId + 1;
  }

  /** The highest id handed out so far, which a saved bot state keeps so ids stay unique after a restore. */
  get lastTradeId(): number {
    return this.lastId;
  }

  /** Puts back the trades of a saved bot state (into an empty ledger). */
  restore(trades: readonly LedgerTrade[], lastTradeId: number): void {
    for (const t of trades) this.add(t);
    this.lastId = Math.max(this.lastId, lastTradeId);
  }

  /** Drops a trade whose entry order never filled (FreqTrade deletes those). */
  remove(id: number): void {
    const i = this.trades.findIndex((t) => t.id === id);
    if (i >= 0) this.trades.splice(i, 1);
  }

  all(): readonly LedgerTrade[] {
    return this.trades;
  }

  open(): LedgerTrade[] {
    return this.trades.filter((t) => t.isOpen);
  }

  closed(): LedgerTrade[] {
    return this.trades.filter((t) => !t.isOpen);
  }

  byId(id: number): LedgerTrade | undefined {
    return this.trades.find((t) => t.id === id);
  }

  /** Sum of profits of closed trades (FreqTrade's get_total_closed_profit). */
  totalClosedProfit(): number {
    return this.closed().reduce((sum, t) => sum + (t.closeProfitAbs ?? 0), 0);
  }

  /** Stake tied up in open trades (FreqTrade's total_open_trades_stakes). */
  openStakes(): number {
    return this.open().reduce((sum, t) => sum + t.stakeAmount, 0);
  }
}

export interface ProfitAtRate {
  profitAbs: number;
  profitRatio: number;
  totalProfit: number;
  totalProfitRatio: number;
}

/** FreqTrade's max_stake_amount: the stake the entry put in, before any partial exit. */
export const maxStake = (t: LedgerTrade): number => t.maxStakeAmount ?? t.stakeAmount;

/** Profit of a long spot trade if it were closed at `rate`, fees included (FreqTrade's calculate_profit). */
export function profitAtRate(t: LedgerTrade, rate: number): ProfitAtRate {
  const openValue = t.amount * t.openRate * (1 + t.feeOpen);
  const closeValue = t.amount * rate * (1 - t.feeClose);
  const profitAbs = closeValue - openValue;
  const totalProfit = profitAbs + t.realizedProfit;
  return {
    profitAbs,
    profitRatio: openValue ? closeValue / openValue - 1 : 0,
    totalProfit,
    totalProfitRatio: maxStake(t) ? totalProfit / maxStake(t) : 0,
  };
}

/** Closed-trade performance grouped by a key, best first (FreqTrade's _generic_performance_query). */
export function groupedPerformance(
  trades: readonly LedgerTrade[],
  keyOf: (t: LedgerTrade) => string,
): { key: string; profitRatio: number; profitAbs: number; count: number }[] {
  const groups = new Map<string, { cost: number; profitAbs: number; count: number }>();
  for (const t of trades) {
    if (t.isOpen) continue;
    const g = groups.get(keyOf(t)) ?? { cost: 0, profitAbs: 0, count: 0 };
    g.cost += t.maxStakeAmount ?? t.amount * t.openRate;
    g.profitAbs += t.closeProfitAbs ?? 0;
    g.count += 1;
    groups.set(keyOf(t), g);
  }
  return [...groups.entries()]
    .map(([key, g]) => ({ key, profitRatio: g.cost ? g.profitAbs / g.cost : 0, profitAbs: g.profitAbs, count: g.count }))
    .sort((a, b) => b.profitAbs - a.profitAbs);
}

// A trader's order bookkeeping: sends entry and exit orders, keeps those of unknown outcome pending, and books fills into trades.
import type { MarketInterface as Market } from 'ccxt';
import { timeframeMs } from '../domain/strategy-eval.js';
import { stopLevel } from '../domain/trailing-stop.js';
import { OrderOutcomeUnknown, type Fill, type OrderRequest } from './brokers.js';
import { errorText } from './exchange-access.js';
import { bookExitFill } from './partial-exit.js';
import type { LedgerTrade } from './trade-ledger.js';
import type { TraderDeps } from './trader-deps.js';

export type OrderKind = 'entry' | 'exit';

/** An order whose outcome is unknown; saved with the bot's state so a restarted host looks it up instead of forgetting it. */
export interface PendingOrder {
  tradeId: number;
  request: OrderRequest;
  kind: OrderKind;
  reason: string | null;
}

export const round8 = (v: number): number => Number(v.toFixed(8));

export class OrderDesk {
  private readonly pending = new Map<number, PendingOrder>();

  constructor(
    private readonly d: TraderDeps,
    /** The pair's market; throws an RpcError when the exchange does not list it. */
    private readonly market: (pair: string) => Market,
    /** ccxt's amount_to_precision for a pair (rounding down to its step), 0 when nothing is left. */
    private readonly toPrecision: (pair: string, amount: number) => number,
  ) {}

  /** True while an order of the trade has an unknown outcome (it is looked up on the next iteration). */
  isPending(tradeId: number): boolean {
    return this.pending.has(tradeId);
  }

  pendingOrders(): PendingOrder[] {
    return [...this.pending.values()];
  }

  restorePending(orders: readonly PendingOrder[]): void {
    for (const o of orders) this.pending.set(o.tradeId, o);
  }

  /** A fresh open trade for an entry order about to be sent; it has no fill yet. */
  newTrade(pair: string, tag: string | null, amount: number, price: number, now: number): LedgerTrade {
    return {
      id: this.d.ledger.nextId(), pair, exchange: this.d.config.exchange, strategy: this.d.strategy.name,
      timeframe: timeframeMs(this.d.strategy.timeframe) / 60_000, isOpen: true, amount, amountRequested: amount,
      stakeAmount: amount * price, openRate: price, openDate: new Date(now), openFillDate: null, closeRate: null,
      closeDate: null, closeProfit: null, closeProfitAbs: null, realizedProfit: 0, feeOpen: 0, feeClose: 0,
      enterTag: tag, exitReason: null, stopLoss: null, stopLossPct: null, minRate: null, maxRate: null,
      filledVolume: 0, lastRate: null, orders: [],
    };
  }

  /** Sends an order; an unknown outcome leaves it pending for the next iteration, a rejection undoes a fresh entry. */
  async place(trade: LedgerTrade, request: OrderRequest, kind: OrderKind, reason: string | null): Promise<Fill | null> {
    try {
      const fill = await this.d.broker.submit(request, this.market(request.pair));
      this.applyFill(trade, request, fill, kind, reason);
      return fill;
    } catch (err) {
      if (err instanceof OrderOutcomeUnknown) {
        this.pending.set(trade.id, { tradeId: trade.id, request, kind, reason });
        this.d.log('warn', `${err.message}; it stays pending and is looked up again on the next iteration.`);
        return null;
      }
      if (kind === 'entry') this.d.ledger.remove(trade.id);
      throw err;
    }
  }

  /** Looks up orders whose outcome was unknown; one the exchange never got is sent again under the same client id. */
  async reconcile(): Promise<void> {
    for (const [id, p] of [...this.pending]) {
      const trade = this.d.ledger.byId(id);
      if (!trade) {
        this.pending.delete(id);
        continue;
      }
      try {
        const market = this.market(p.request.pair);
        const fill = (await this.d.broker.lookup?.(p.request, market)) ?? (await this.d.broker.submit(p.request, market));
        this.pending.delete(id);
        this.applyFill(trade, p.request, fill, p.kind, p.reason);
      } catch (err) {
        if (err instanceof OrderOutcomeUnknown) continue;
        this.pending.delete(id);
        if (p.kind === 'entry') this.d.ledger.remove(id);
        this.d.log('warn', `Order ${p.request.clientOrderId} was rejected: ${errorText(err)}`);
      }
    }
  }

  private applyFill(trade: LedgerTrade, request: OrderRequest, fill: Fill, kind: OrderKind, reason: string | null): void {
    const now = new Date(this.d.clock());
    const firstExit = !(trade.orders ?? []).some((o) => o.side === 'sell');
    trade.orders?.push({
      orderId: fill.orderId, side: request.side, amount: request.amount, filled: fill.filled, price: fill.price, cost: fill.cost,
      feeBase: fill.feeBase || null, placedAt: now, filledAt: now, tag: reason,
    });
    trade.filledVolume += fill.cost;
    this.d.onFill?.();
    if (kind === 'entry') {
      trade.openRate = fill.price;
      // Binance takes a buy's fee from the coins it delivers: only the rest can be sold.
      trade.amount = fill.filled - fill.feeBase;
      trade.stakeAmount = trade.maxStakeAmount = trade.amount * fill.price;
      trade.feeOpen = fill.feeRate;
      trade.feeClose = fill.feeRate;
      trade.openFillDate = now;
      trade.maxRate = trade.minRate = fill.price;
      const initial = stopLevel(fill.price, fill.price, { ...this.d.strategy, tickSize: this.market(trade.pair).precision?.price });
      trade.stopLoss = trade.initialStopLoss = initial.stop;
      trade.stopLossPct = trade.initialStopLossPct = initial.ratio;
      this.d.log('info', `Enter Long Order for ${trade.pair} filled: ${trade.amount} at ${fill.price} (trade ${trade.id}).`);
      return;
    }
    const before = trade.amount;
    if (!bookExitFill(trade, fill, reason, now, this.toPrecision(trade.pair, trade.amount), firstExit)) {
      this.d.log('info', `Partial exit of ${trade.pair} filled: ${round8(before - trade.amount)} at ${fill.price} (trade ${trade.id}, ${reason}): profit ${trade.closeProfitAbs} ${this.d.config.stakeCurrency}, ${trade.amount} left.`);
      return;
    }
    this.d.locks.lock(trade.pair, now.getTime(), now.getTime(), 'Auto lock', 'long');
    this.d.log('info', `Exit Long Order for ${trade.pair} filled at ${fill.price} (trade ${trade.id}, ${reason}): profit ${trade.closeProfitAbs} ${this.d.config.stakeCurrency}.`);
  }
}

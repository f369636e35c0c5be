// The matching engine: places market and limit orders against the live quote, rests GTC limits with locked funds, fills them when the price crosses, cancels.
import { mulUnits } from '../domain/exchange-decimal.js';
import { failedFilter, quantityForQuote, settlement } from '../domain/exchange-filters.js';
import { credit, debitFree, debitLocked, freeOf, lock, unlock, type Account, type AccountStore } from './accounts.js';
import { errors } from './errors.js';
import type { Market } from './markets.js';
import { isOpen, type NewOrder, type Order } from './order-types.js';
import type { PriceFeed } from './price-feed.js';

export interface OrderRef {
  orderId?: number;
  clientOrderId?: string;
}

export class Matcher {
  nextOrderId = 1;
  nextTradeId = 1;
  /** Open orders by symbol, oldest first: the ones a price move may fill. */
  private readonly resting = new Map<string, Set<Order>>();

  constructor(
    private readonly markets: ReadonlyMap<string, Market>,
    private readonly feed: PriceFeed,
    private readonly accounts: AccountStore,
    private readonly clock: () => number,
  ) {}

  private market(symbol: string): Market {
    const m = this.markets.get(symbol);
    if (!m) throw errors.invalidSymbol();
    return m;
  }

  /**
   * Places an order. The same clientOrderId twice on one account returns the first order untouched (never a second
   * fill), so a client that retries after a lost response is safe; reusing it for a different order is rejected.
   */
  place(account: Account, req: NewOrder): { order: Order; duplicate: boolean } {
    const existing = account.byClientOrderId.get(req.clientOrderId);
    if (existing) {
      if (existing.symbol !== req.symbol || existing.side !== req.side || existing.type !== req.type) throw errors.orderRejected('Duplicate order sent.');
      return { order: existing, duplicate: true };
    }
    const market = this.market(req.symbol);
    if (market.status !== 'TRADING') throw errors.invalidMessage('Market is closed.');
    const rules = market.rules;
    const quote = this.feed.quote(req.symbol);
    const openOrders = this.openOrders(account, req.symbol).length;

    if (req.type === 'MARKET') {
      const price = req.side === 'BUY' ? quote.ask : quote.bid;
      const quantity = req.quantity ?? quantityForQuote(rules, req.quoteOrderQty!, price);
      const failed = failedFilter(rules, { type: 'MARKET', quantity, referencePrice: quote.last, openOrders });
      if (failed) throw errors.filterFailure(failed);
      const s = settlement(rules, req.side, quantity, price, account.takerRate);
      if (freeOf(account, s.pay.asset) < s.pay.amount) throw errors.insufficientBalance();
      const order = this.record(account, req, quantity);
      this.fill(account, order, price, false);
      return { order, duplicate: false };
    }

    const price = req.price!;
    const quantity = req.quantity!;
    const failed = failedFilter(rules, { type: req.type, quantity, price, referencePrice: quote.last, openOrders });
    if (failed) throw errors.filterFailure(failed);
    const marketable = req.side === 'BUY' ? price >= quote.ask : price <= quote.bid;
    if (req.type === 'LIMIT_MAKER' && marketable) throw errors.orderRejected('Order would immediately match and take.');
    // Funds are checked (and, if the order rests, held) at the limit price, as Binance does.
    const hold = req.side === 'BUY' ? { asset: rules.quoteAsset, amount: mulUnits(price, quantity, 'up') } : { asset: rules.baseAsset, amount: quantity };
    if (freeOf(account, hold.asset) < hold.amount) throw errors.insufficientBalance();
    const order = this.record(account, req, quantity);
    if (marketable) {
      this.fill(account, order, req.side === 'BUY' ? quote.ask : quote.bid, false);
    } else if (order.timeInForce !== 'GTC') {
      order.status = 'EXPIRED';
    } else {
      lock(account, hold.asset, hold.amount);
      order.locked = hold;
      this.rest(order);
    }
    return { order, duplicate: false };
  }

  private record(account: Account, req: NewOrder, quantity: bigint): Order {
    const now = this.clock();
    const order: Order = {
      accountId: account.id,
      symbol: req.symbol,
      orderId: this.nextOrderId++,
      clientOrderId: req.clientOrderId,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce ?? 'GTC',
      price: req.price ?? 0n,
      origQty: quantity,
      origQuoteOrderQty: req.quoteOrderQty ?? 0n,
      executedQty: 0n,
      cummulativeQuoteQty: 0n,
      status: 'NEW',
      time: now,
      updateTime: now,
      fills: [],
      locked: null,
    };
    account.orders.set(order.orderId, order);
    account.byClientOrderId.set(order.clientOrderId, order);
    account.updateTime = now;
    return order;
  }

  private rest(order: Order): void {
    let set = this.resting.get(order.symbol);
    if (!set) {
      set = new Set();
      this.resting.set(order.symbol, set);
    }
    set.add(order);
  }

  /** Fills the whole remaining quantity at one price; the commission comes out of what the account receives. */
  private fill(account: Account, order: Order, price: bigint, isMaker: boolean): void {
    const rules = this.market(order.symbol).rules;
    const quantity = order.origQty - order.executedQty;
    const s = settlement(rules, order.side, quantity, price, isMaker ? account.makerRate : account.takerRate);
    if (order.locked) {
      debitLocked(account, order.locked.asset, order.locked.amount);
      // The hold was rounded up; give back whatever the fill did not use.
      if (order.locked.amount > s.pay.amount) credit(account, order.locked.asset, order.locked.amount - s.pay.amount);
      order.locked = null;
    } else {
      debitFree(account, s.pay.asset, s.pay.amount);
    }
    credit(account, s.receive.asset, s.receive.amount);
    const now = this.clock();
    const fill = {
      tradeId: this.nextTradeId++,
      orderId: order.orderId,
      symbol: order.symbol,
      price,
      qty: quantity,
      quoteQty: s.quoteQuantity,
      commission: s.commission.amount,
      commissionAsset: s.commission.asset,
      time: now,
      isBuyer: order.side === 'BUY',
      isMaker,
    };
    order.fills.push(fill);
    account.trades.push(fill);
    order.executedQty += quantity;
    order.cummulativeQuoteQty += s.quoteQuantity;
    order.status = 'FILLED';
    order.updateTime = now;
    account.updateTime = now;
  }

  /** After a price change: resting buys at or above the last price, and sells at or below it, fill at their limit as makers. Returns how many filled. */
  onPrice(symbol: string): number {
    const set = this.resting.get(symbol);
    if (!set || set.size === 0) return 0;
    const last = this.feed.quote(symbol).last;
    let filled = 0;
    for (const order of [...set]) {
      const crossed = order.side === 'BUY' ? last <= order.price : last >= order.price;
      if (!crossed) continue;
      const account = this.accounts.find(order.accountId);
      set.delete(order);
      if (account) {
        this.fill(account, order, order.price, true);
        filled += 1;
      }
    }
    return filled;
  }

  find(account: Account, symbol: string, ref: OrderRef): Order | undefined {
    const order = ref.orderId !== undefined ? account.orders.get(ref.orderId) : account.byClientOrderId.get(ref.clientOrderId ?? '');
    if (!order || order.symbol !== symbol) return undefined;
    if (ref.clientOrderId !== undefined && order.clientOrderId !== ref.clientOrderId) return undefined;
    return order;
  }

  cancel(account: Account, symbol: string, ref: OrderRef): Order {
    const order = this.find(account, symbol, ref);
    if (!order || !isOpen(order)) throw errors.cancelRejected();
    if (order.locked) unlock(account, order.locked.asset, order.locked.amount);
    order.locked = null;
    order.status = 'CANCELED';
    order.updateTime = this.clock();
    account.updateTime = order.updateTime;
    this.resting.get(symbol)?.delete(order);
    return order;
  }

  openOrders(account: Account, symbol?: string): Order[] {
    const sets = symbol ? [this.resting.get(symbol)] : [...this.resting.values()];
    const out: Order[] = [];
    for (const set of sets) for (const o of set ?? []) if (o.accountId === account.id) out.push(o);
    return out.sort((a, b) => a.orderId - b.orderId);
  }

  /** Every resting order of a symbol (all accounts), for the public depth. */
  restingOrders(symbol: string): Iterable<Order> {
    return this.resting.get(symbol) ?? [];
  }

  /** Puts an open order restored from a snapshot back in the book. */
  restore(order: Order): void {
    if (isOpen(order)) this.rest(order);
  }
}

// How a bot's orders are filled: simulated against live quotes in dry-run, real market orders in live mode, where a
// deterministic client order id and a look-up before every retry make sure a retried order is never placed twice.
import { createHash } from 'node:crypto';
import { DuplicateOrderId, OrderNotFound, type Exchange, type FeeInterface as Fee, type MarketInterface as Market, type Order } from 'ccxt';
import { errorText, isTransient, sleep } from './exchange-access.js';
import type { ExchangeFeed } from './market-data.js';
import type { WalletBalance } from './wallet.js';

export type Side = 'buy' | 'sell';

export interface OrderRequest {
  pair: string;
  side: Side;
  /** Base amount, already rounded to the market's step. */
  amount: number;
  /** Price the order is expected to fill at: the ask for a buy, the bid for a sell. */
  price: number;
  clientOrderId: string;
}

export interface Fill {
  orderId: string;
  clientOrderId: string;
  price: number;
  /** Base amount filled. */
  filled: number;
  cost: number;
  /** Fee as a ratio of the fill (FreqTrade's fee_open / fee_close). */
  feeRate: number;
  /** Fee paid in the base asset, which a buy on Binance takes from what it delivers. */
  feeBase: number;
  timestamp: number;
}

export interface Broker {
  submit(order: OrderRequest, market: Market): Promise<Fill>;
  /** Whether an order with this client id exists; live only (dry-run orders cannot be lost). */
  lookup?(order: OrderRequest, market: Market): Promise<Fill | null>;
}

/** An order whose outcome could not be learned from the exchange; the trader asks again on its next iteration. */
export class OrderOutcomeUnknown extends Error {
  override readonly name = 'OrderOutcomeUnknown';
}

/**
 * `tf<bot hash><ledger epoch>-<trade id>-<side>[<n>]`: the same trade, side and order number always give the same id (so
 * a retry is one order), a restarted host with a new ledger never collides with an old one, and it fits Binance's 36
 * characters. `seq` numbers a trade's orders of one side: the first exit is `sell`, a later one (after partial exits)
 * `sell2`, `sell3`, ...
 */
export function clientOrderId(botId: string, ledgerEpoch: number, tradeId: number, side: Side, seq = 1): string {
  const bot = createHash('sha256').update(botId).digest('base64url').slice(0, 8).replace(/[^A-Za-z0-9]/g, 'x');
  return `tf${bot}${ledgerEpoch.toString(36)}-${tradeId}-${side}${seq > 1 ? seq : ''}`;
}

const takerFee = (market: Market): number => market.taker ?? 0.001;

/** Dry-run: fills at once at the quoted price with the market's taker fee, like FreqTrade's dry-run market orders. */
export class DryRunBroker implements Broker {
  constructor(private readonly clock: () => number) {}

  async submit(o: OrderRequest, market: Market): Promise<Fill> {
    const now = this.clock();
    return {
      orderId: `dry_run_${o.side}_${o.pair}_${now / 1000}`,
      clientOrderId: o.clientOrderId,
      price: o.price,
      filled: o.amount,
      cost: o.amount * o.price,
      feeRate: takerFee(market),
      feeBase: 0,
      timestamp: now,
    };
  }
}

export interface LiveBrokerOptions {
  /** Submissions per order before giving up for this iteration. */
  attempts?: number;
  retryBaseMs?: number;
  log(level: 'info' | 'warn', msg: string): void;
}

/** Live: market orders and balances of the user's account through ccxt. */
export class LiveBroker implements Broker {
  constructor(
    private readonly client: Exchange,
    private readonly feed: ExchangeFeed,
    private readonly opts: LiveBrokerOptions,
  ) {}

  /** The account client reuses the host's market list instead of loading its own copy. */
  private async ready(): Promise<void> {
    if (this.client.markets) return;
    await this.feed.markets();
    this.client.setMarkets(this.feed.client.markets, this.feed.client.currencies as never);
  }

  /** The account's non-zero balances. */
  async balances(): Promise<WalletBalance[]> {
    await this.ready();
    const b = await this.client.fetchBalance();
    const totals = (b.total ?? {}) as unknown as Record<string, number | undefined>;
    const free = (b.free ?? {}) as unknown as Record<string, number | undefined>;
    const used = (b.used ?? {}) as unknown as Record<string, number | undefined>;
    return Object.entries(totals)
      .filter(([, total]) => (total ?? 0) > 0)
      .map(([currency, total]) => ({ currency, free: free[currency] ?? 0, used: used[currency] ?? 0, total: total ?? 0 }));
  }

  async submit(o: OrderRequest, market: Market): Promise<Fill> {
    await this.ready();
    const attempts = this.opts.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const order = await this.client.createOrder(o.pair, 'market', o.side, o.amount, undefined, { newClientOrderId: o.clientOrderId });
        return await this.settle(order, o, market);
      } catch (err) {
        if (!isTransient(err) && !(err instanceof DuplicateOrderId)) throw err;
        this.opts.log('warn', `Order ${o.clientOrderId} (${o.side} ${o.amount} ${o.pair}) has an unknown outcome (${errorText(err)}); asking the exchange before retrying.`);
        // The order may have reached the exchange: look it up by its client id before sending it again.
        const found = await this.lookupWithRetry(o, market);
        if (found) return found;
        if (attempt >= attempts) throw new OrderOutcomeUnknown(`order ${o.clientOrderId} not confirmed after ${attempts} attempts`);
        await sleep((this.opts.retryBaseMs ?? 1_000) * 2 ** (attempt - 1));
      }
    }
  }

  async lookup(o: OrderRequest, market: Market): Promise<Fill | null> {
    await this.ready();
    try {
      const order = await this.client.fetchOrder(undefined as unknown as string, o.pair, { origClientOrderId: o.clientOrderId });
      return await this.settle(order, o, market);
    } catch (err) {
      if (err instanceof OrderNotFound) return null;
      throw err;
    }
  }

  private async lookupWithRetry(o: OrderRequest, market: Market): Promise<Fill | null> {
    for (let i = 0; ; i++) {
      try {
        return await this.lookup(o, market);
      } catch (err) {
        if (!isTransient(err) || i >= 2) throw new OrderOutcomeUnknown(`order ${o.clientOrderId}: look-up failed (${errorText(err)})`);
        await sleep((this.opts.retryBaseMs ?? 1_000) * 2 ** i);
      }
    }
  }

  /** Waits for a market order to finish filling and reads its average price and fees. */
  private async settle(order: Order, o: OrderRequest, market: Market): Promise<Fill> {
    let current = order;
    for (let i = 0; current.status === 'open' && i < 5; i++) {
      await sleep(200 * (i + 1));
      current = await this.client.fetchOrder(current.id ?? '', o.pair, current.id ? {} : { origClientOrderId: o.clientOrderId });
    }
    const filled = current.filled ?? 0;
    if (current.status !== 'closed' || filled <= 0) {
      throw new Error(`order ${o.clientOrderId} ended ${current.status ?? 'unknown'} with ${filled} filled`);
    }
    const price = current.average ?? (current.cost && filled ? current.cost / filled : o.price);
    const listed = (current as Order & { fees?: Fee[] }).fees;
    let fees: Fee[] = listed?.length ? listed : current.fee ? [current.fee] : [];
    if (!fees.length) {
      // A queried order carries no fills: the account's trades for it hold the commissions.
      const trades = await this.client.fetchMyTrades(o.pair, undefined, undefined, { orderId: current.id });
      fees = trades.flatMap((t) => (t.fee ? [t.fee] : []));
    }
    const cost = current.cost ?? filled * price;
    let feeBase = 0;
    let feeQuote = 0;
    let other = false;
    for (const f of fees) {
      if (f.currency === market.base) feeBase += f.cost ?? 0;
      else if (f.currency === market.quote) feeQuote += f.cost ?? 0;
      else if (f.cost) other = true;
    }
    // FreqTrade's calculate_fee_rate: base fees per amount, quote fees per cost, 8 decimals; a third asset (BNB)
    // is valued at the market's taker rate here instead of through another ticker.
    const feeRate = other ? takerFee(market) : Number(((filled ? feeBase / filled : 0) + (cost ? feeQuote / cost : 0)).toFixed(8));
    return {
      orderId: current.id ?? o.clientOrderId,
      clientOrderId: current.clientOrderId ?? o.clientOrderId,
      price,
      filled,
      cost,
      feeRate,
      feeBase,
      timestamp: current.lastTradeTimestamp ?? current.timestamp ?? Date.now(),
    };
  }
}

// One bot's trading engine, FreqTrade's process() for a declarative strategy: analyse each pair's last closed candle,
// check exits (signal, stoploss, ROI, trailing stop) on the current price, then enter where the entry rule fires.
import type { MarketInterface as Market } from 'ccxt';
import { candlesNeeded } from '../domain/strategy-checks.js';
import type { Timeframe } from '../domain/strategy-checks.js';
import { checkExit, strategySignals, timeframeMs, type Candle, type ExitCheck, type Signals } from '../domain/strategy-eval.js';
import { clientOrderId, type OrderRequest } from './brokers.js';
import { errorText } from './exchange-access.js';
import { OrderDesk, round8, type PendingOrder } from './order-desk.js';
import { partialExitAmount } from './partial-exit.js';
import { RpcError } from './rpc-error.js';
import type { LedgerTrade } from './trade-ledger.js';
import type { TraderDeps } from './trader-deps.js';

export class Trader {
  private readonly signals = new Map<string, Signals>();
  private readonly orders: OrderDesk;
  private readonly warned = new Set<string>();
  /** FreqTrade's _exit_lock: the loop and API-triggered entries/exits never interleave. */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * Part of every client order id, so a restarted host never reuses one, even when its saved state missed the last
   * trade (a crash inside the save delay) and hands that trade's id out again.
   */
  private readonly epoch: number;

  constructor(private readonly d: TraderDeps) {
    this.epoch = Math.floor(d.clock() / 1000);
    this.orders = new OrderDesk(d, (pair) => this.market(pair), (pair, amount) => this.toPrecision(pair, amount));
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    const changed = (): void => this.d.onChange?.();
    this.queue = run.then(changed, changed);
    return run;
  }

  /** Orders of unknown outcome, saved with the bot's state. */
  pendingOrders(): PendingOrder[] {
    return this.orders.pendingOrders();
  }

  /** Puts back the pending orders of a saved state: the next iteration looks them up by their client order id. */
  restorePending(orders: readonly PendingOrder[]): void {
    this.orders.restorePending(orders);
  }

  /** Logs a problem once per streak; `clear` logs the recovery. */
  private warnOnce(key: string, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.d.log('warn', msg);
  }

  private clear(key: string, msg?: string): void {
    if (this.warned.delete(key) && msg) this.d.log('info', msg);
  }

  /** One iteration of the trading loop; `entries` is false while the bot is paused (exits still run). */
  iterate(entries: boolean): Promise<void> {
    return this.exclusive(async () => {
      const now = this.d.clock();
      try {
        await this.d.feed.markets();
        this.clear('markets', 'Markets loaded.');
      } catch (err) {
        return this.warnOnce('markets', `Unable to load the markets of ${this.d.config.exchange}: ${errorText(err)}. Retrying with backoff.`);
      }
      const pairs = [...new Set([...this.d.config.pairs, ...this.d.ledger.open().map((t) => t.pair)])];
      await Promise.all(pairs.map((pair) => this.analyze(pair, now)));
      await this.orders.reconcile();
      for (const trade of this.d.ledger.open()) await this.manage(trade, now);
      if (entries) await this.enterPositions();
    });
  }

  /** Refreshes a pair's candles and reads the signals of its last closed candle (once per candle). */
  private async analyze(pair: string, now: number): Promise<void> {
    const { strategy } = this.d;
    const feed = this.d.feed.candles(pair, strategy.timeframe);
    feed.need(candlesNeeded(strategy));
    try {
      await feed.refresh(now);
      this.clear(`candles:${pair}`, `Candles for ${pair} are up to date again.`);
    } catch (err) {
      this.warnOnce(`candles:${pair}`, `Unable to fetch ${strategy.timeframe} candles for ${pair}: ${errorText(err)}. Retrying with backoff.`);
    }
    const closed = feed.closed();
    const last = closed[closed.length - 1];
    const tf = timeframeMs(strategy.timeframe);
    if (!last || last.time < now - 2 * tf) {
      // FreqTrade ignores signals from a candle older than two timeframes.
      this.signals.delete(pair);
      if (last) this.warnOnce(`stale:${pair}`, `Outdated history for pair ${pair}. Last tick is ${Math.round((now - last.time) / 60_000)} minutes old`);
      return;
    }
    this.clear(`stale:${pair}`);
    if (this.signals.get(pair)?.candleTime === last.time) return;
    const signals = strategySignals(strategy, closed.slice(-candlesNeeded(strategy)));
    if (signals) this.signals.set(pair, signals);
  }

  /** A market by pair for an API request, loading the market list first if the loop has not yet. */
  async marketFor(pair: string): Promise<Market | undefined> {
    try {
      await this.d.feed.markets();
    } catch (err) {
      throw new RpcError(`Unable to load the markets of ${this.d.config.exchange}: ${errorText(err)}`);
    }
    return this.d.feed.market(pair);
  }

  /** Every symbol of the loaded markets. */
  symbols(): string[] {
    return Object.keys((this.d.feed.client.markets as Record<string, Market> | undefined) ?? {}).sort();
  }

  /**
   * The last `limit` (default 200) closed candles of any pair and timeframe, for a chart: the feed the loop reads when
   * it is the strategy's, else one the host's market data keeps from now on. A failed refresh serves what is there.
   */
  async candlesFor(pair: string, timeframe: Timeframe, limit: number | null): Promise<Candle[]> {
    const count = Math.min(Math.max(limit ?? 200, candlesNeeded(this.d.strategy)), 1000);
    const feed = this.d.feed.candles(pair, timeframe);
    feed.need(count);
    try {
      await this.marketFor(pair);
      if (this.d.feed.market(pair)) await feed.refresh(this.d.clock());
    } catch (err) {
      this.warnOnce(`chart:${pair}:${timeframe}`, `Unable to fetch ${timeframe} candles for ${pair}: ${errorText(err)}`);
    }
    return feed.closed().slice(-(limit ?? count));
  }

  private market(pair: string): Market {
    const market = this.d.feed.market(pair);
    if (!market) throw new RpcError('Symbol does not exist or market is not active.');
    return market;
  }

  /** ccxt's amount_to_precision as a number; 0 where ccxt refuses an amount below the market's step. */
  private toPrecision(pair: string, amount: number): number {
    try {
      return Number(this.d.feed.client.amountToPrecision(pair, amount));
    } catch {
      return 0;
    }
  }

  private checkFor(trade: LedgerTrade, rate: number, now: number): ExitCheck {
    const position = { openRate: trade.openRate, openTime: trade.openDate.getTime(), feeOpen: trade.feeOpen, feeClose: trade.feeClose, highWaterMark: trade.maxRate ?? trade.openRate };
    const check = checkExit(this.d.strategy, position, rate, now, this.signals.get(trade.pair) ?? null, this.market(trade.pair).precision?.price);
    trade.lastRate = rate;
    trade.maxRate = check.highWaterMark;
    trade.minRate = Math.min(trade.minRate ?? trade.openRate, rate);
    trade.stopLoss = check.stop.stop;
    trade.stopLossPct = check.stop.ratio;
    return check;
  }

  /** FreqTrade's handle_trade: exit an open, filled trade if any exit condition holds at the current bid. */
  private async manage(trade: LedgerTrade, now: number): Promise<void> {
    if (this.orders.isPending(trade.id) || trade.openFillDate === null) return;
    try {
      const quote = await this.d.feed.quote(trade.pair);
      this.clear(`quote:${trade.pair}`);
      const check = this.checkFor(trade, quote.bid, now);
      if (check.reason) {
        this.d.log('info', `Exit for ${trade.pair} detected. Reason: ${check.reason}`);
        await this.exit(trade, check.reason, quote.bid);
      }
    } catch (err) {
      this.warnOnce(`quote:${trade.pair}`, `Unable to check exits of trade ${trade.id} (${trade.pair}): ${errorText(err)}`);
    }
  }

  private async enterPositions(): Promise<void> {
    let free = this.d.maxOpenTrades() - this.d.ledger.open().length;
    const open = new Set(this.d.ledger.open().map((t) => t.pair));
    for (const pair of this.d.config.pairs) {
      if (free <= 0) return;
      const s = this.signals.get(pair);
      if (open.has(pair) || !s?.enter || s.exit || this.d.blocked?.(pair)) continue;
      if (this.d.locks.isLocked(pair, s.candleTime)) continue;
      try {
        this.d.log('info', `Long signal found: about create a new trade for ${pair} with stake_amount: ${this.d.config.stakeAmount} ...`);
        if (await this.enter(pair, null, this.d.config.stakeAmount)) free -= 1;
      } catch (err) {
        this.d.log('warn', `Unable to create trade for ${pair}: ${err instanceof RpcError ? err.message : errorText(err)}`);
      }
    }
  }

  /** Sizes and places an entry; the trade exists (with an open order) from the moment the order is sent. */
  async enter(pair: string, tag: string | null, requested: number): Promise<LedgerTrade | null> {
    const market = this.market(pair);
    const currency = this.d.config.stakeCurrency;
    const available = await this.d.availableStake();
    // FreqTrade with amend_last_stake_amount: the last slot takes what is left if that is at least half a stake.
    const stake = available >= requested ? requested : available >= requested * 0.5 ? available : 0;
    if (!stake) throw new RpcError(`Available balance (${round8(available)} ${currency}) is lower than stake amount (${requested} ${currency})`);
    const quote = await this.d.feed.quote(pair);
    const amount = Number(this.d.feed.client.amountToPrecision(pair, stake / quote.ask));
    const minStake = Math.max(market.limits.cost?.min ?? 0, (market.limits.amount?.min ?? 0) * quote.ask);
    if (!(amount > 0) || amount * quote.ask < minStake) {
      throw new RpcError(`Can't open a new trade for ${pair}: stake amount is too small (${stake} < ${minStake})`);
    }
    const now = this.d.clock();
    const trade = this.orders.newTrade(pair, tag, amount, quote.ask, now);
    this.d.ledger.add(trade);
    const request: OrderRequest = { pair, side: 'buy', amount, price: quote.ask, clientOrderId: clientOrderId(this.d.config.botId, this.epoch, trade.id, 'buy') };
    const fill = await this.orders.place(trade, request, 'entry', tag);
    if (fill) trade.lastRate = quote.bid;
    return fill ? trade : null;
  }

  /**
   * Sells a trade at market, all of it or `partial` of it; false when the order is pending or failed (the loop tries
   * again). The client order id numbers the trade's exits, so a retried exit is one order and the next one is another.
   */
  async exit(trade: LedgerTrade, reason: string, rate: number, partial: number | null = null): Promise<boolean> {
    const amount = partial ?? Number(this.d.feed.client.amountToPrecision(trade.pair, trade.amount));
    const seq = (trade.orders ?? []).filter((o) => o.side === 'sell').length + 1;
    const id = clientOrderId(this.d.config.botId, this.epoch, trade.id, 'sell', seq);
    const request: OrderRequest = { pair: trade.pair, side: 'sell', amount, price: rate, clientOrderId: id };
    try {
      return (await this.orders.place(trade, request, 'exit', reason)) !== null;
    } catch (err) {
      this.d.log('warn', `Unable to exit trade ${trade.id} (${trade.pair}): ${errorText(err)}`);
      return false;
    }
  }

  /**
   * /forceexit of one trade: market exit at the current bid with exit reason force_exit, of `amount` only when given
   * (FreqTrade's partial exit, see partialExitAmount); throws an RpcError for an amount it cannot sell.
   */
  async forceExit(trade: LedgerTrade, amount?: number): Promise<boolean> {
    if (this.orders.isPending(trade.id) || trade.openFillDate === null) return false;
    const quote = await this.d.feed.quote(trade.pair);
    trade.lastRate = quote.bid;
    const partial = partialExitAmount({
      trade, requested: amount, rate: quote.bid, market: this.market(trade.pair),
      stoploss: trade.stopLossPct ?? this.d.strategy.stoploss, toPrecision: (a) => this.toPrecision(trade.pair, a),
    });
    return this.exit(trade, 'force_exit', quote.bid, partial);
  }
}

// The paper exchange without HTTP: markets, price feed, accounts, matching, faults and weights, plus the admin operations tests script it with.
import { formatUnits, units } from '../domain/exchange-decimal.js';
import { AccountStore, setFree, type Account, type AccountSeed } from './accounts.js';
import { Faults, type FaultRuleInput } from './faults.js';
import { buildMarket, DEFAULT_MARKETS, type Market, type MarketSpec } from './markets.js';
import { Matcher } from './matching.js';
import { orderJson } from './order-json.js';
import { PriceFeed, type FeedSymbol } from './price-feed.js';
import { loadCandleFile, planReplay, WalkHistory } from './price-history.js';
import { hashString } from './random.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { WeightLimiter } from './weights.js';

export interface ReplaySpec {
  /** BTCUSDT or BTC/USDT. */
  symbol: string;
  /** JSON or CSV candles (see price-history.ts). */
  file: string;
  /** Candles served as history before start; the rest play live, four prices per candle, one per tick. Default: half. */
  historyCandles?: number;
}

export interface EngineOptions {
  seed?: string | number;
  /** Milliseconds between price ticks; 0 means prices move only when a test ticks or sets them. Default 1000. */
  tickMs?: number;
  markets?: MarketSpec[];
  replay?: ReplaySpec[];
  accounts?: AccountSeed[];
  /** REQUEST_WEIGHT per minute per client IP. Default 6000 (Binance's). */
  weightLimit?: number;
  /** Default commission rates for new accounts, as fractions. Default 0.001 (0.1 %) each. */
  makerCommission?: number;
  takerCommission?: number;
  /** Bid/ask spread in basis points around the last price. Default 2. */
  spreadBps?: number;
  /** Days of generated history before start. Default 1000. */
  historyDays?: number;
  /** Where history ends and live prices begin; default now. */
  startTime?: number;
  clock?: () => number;
  /** Keep state in this JSON file across restarts. */
  snapshotFile?: string;
  snapshotIntervalMs?: number;
  maxLiveMinutes?: number;
}

export const normalizeSymbol = (s: string): string => s.replace('/', '').toUpperCase();

export class PaperExchange {
  readonly markets = new Map<string, Market>();
  readonly feed: PriceFeed;
  readonly accounts: AccountStore;
  readonly matcher: Matcher;
  readonly faults = new Faults();
  readonly weights: WeightLimiter;
  readonly seed: string;
  readonly seedHash: number;
  readonly now: () => number;
  private timers: NodeJS.Timeout[] = [];
  private dirty = false;

  constructor(private readonly opts: EngineOptions = {}) {
    this.now = opts.clock ?? Date.now;
    this.seed = String(opts.seed ?? 'tradefleet');
    this.seedHash = hashString(this.seed);
    const startTime = opts.startTime ?? this.now();
    for (const spec of opts.markets ?? DEFAULT_MARKETS) {
      const market = buildMarket(spec);
      this.markets.set(market.symbol, market);
    }
    const snapshot = opts.snapshotFile ? readSnapshot(opts.snapshotFile) : null;
    const replays = new Map((opts.replay ?? []).map((r) => [normalizeSymbol(r.symbol), r]));
    const symbols: FeedSymbol[] = [...this.markets.values()].map((market) => {
      const replay = replays.get(market.symbol);
      if (replay) {
        const plan = planReplay(loadCandleFile(replay.file), startTime, replay.historyCandles);
        return { market, history: plan.history, startPrice: plan.startPrice, path: plan.livePath };
      }
      const startPrice = snapshot?.prices[market.symbol]?.price ?? market.initialPrice;
      const history = new WalkHistory({
        seed: hashString(`${this.seed}:history:${market.symbol}`),
        anchorTime: startTime,
        anchorPrice: startPrice,
        dailyVolatility: market.dailyVolatility,
        dailyQuoteVolume: market.dailyQuoteVolume,
        historyDays: opts.historyDays ?? 1000,
      });
      return { market, history, startPrice };
    });
    for (const r of replays.keys()) if (!this.markets.has(r)) throw new Error(`replay for ${r}: no such market`);
    this.feed = new PriceFeed(symbols, {
      seed: this.seed,
      tickMs: opts.tickMs ?? 1000,
      spreadBps: opts.spreadBps ?? 2,
      startTime,
      clock: this.now,
      maxLiveMinutes: opts.maxLiveMinutes ?? 7 * 1440,
    });
    this.accounts = new AccountStore(
      { makerRate: units((opts.makerCommission ?? 0.001).toFixed(8)), takerRate: units((opts.takerCommission ?? 0.001).toFixed(8)) },
      this.now,
    );
    this.matcher = new Matcher(this.markets, this.feed, this.accounts, this.now);
    this.feed.onPriceChange((symbol) => {
      // Prices alone are not worth a snapshot write every tick; fills are.
      if (this.matcher.onPrice(symbol) > 0) this.dirty = true;
    });
    this.weights = new WeightLimiter(opts.weightLimit ?? 6000);
    if (snapshot) this.restore(snapshot);
    const known = new Set(this.accounts.all().map((a) => a.apiKey));
    for (const seed of opts.accounts ?? []) if (!seed.apiKey || !known.has(seed.apiKey)) this.accounts.create(seed);
  }

  private restore(snapshot: NonNullable<ReturnType<typeof readSnapshot>>): void {
    this.matcher.nextOrderId = snapshot.nextOrderId;
    this.matcher.nextTradeId = snapshot.nextTradeId;
    for (const account of snapshot.accounts) {
      this.accounts.add(account);
      for (const order of account.orders.values()) if (this.markets.has(order.symbol)) this.matcher.restore(order);
    }
    for (const [symbol, p] of Object.entries(snapshot.prices)) if (this.markets.has(symbol)) this.feed.setPaused(symbol, p.paused);
  }

  /** Starts the price ticks and periodic snapshots; timers do not keep the process alive on their own. */
  start(): void {
    const tickMs = this.opts.tickMs ?? 1000;
    if (tickMs > 0) this.timers.push(setInterval(() => this.tick(), tickMs));
    if (this.opts.snapshotFile) {
      this.timers.push(setInterval(() => this.dirty && this.saveSnapshot(), this.opts.snapshotIntervalMs ?? 5000));
    }
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.opts.snapshotFile) this.saveSnapshot();
  }

  markDirty(): void {
    this.dirty = true;
  }

  saveSnapshot(): void {
    if (!this.opts.snapshotFile) return;
    writeSnapshot(this.opts.snapshotFile, {
      savedAt: this.now(),
      nextOrderId: this.matcher.nextOrderId,
      nextTradeId: this.matcher.nextTradeId,
      prices: this.feed.export(),
      accounts: this.accounts.all(),
    });
    this.dirty = false;
  }

  market(symbol: string): Market {
    const m = this.markets.get(normalizeSymbol(symbol));
    if (!m) throw new Error(`no market ${symbol}`);
    return m;
  }

  // ---- admin operations (also served under /admin) ----

  /** Advances every symbol by n ticks now (scripted path first, else the walk). */
  tick(n = 1): void {
    for (let i = 0; i < n; i++) this.feed.tick();
  }

  setPrice(symbol: string, price: number): void {
    this.feed.setPrice(this.market(symbol).symbol, price);
  }

  /** Queues prices played one per tick before the walk resumes. */
  pushPricePath(symbol: string, prices: number[]): void {
    this.feed.pushPath(this.market(symbol).symbol, prices);
  }

  /** Stops (or restarts) the random walk for one symbol or all; scripted prices still apply while paused. */
  setPaused(paused: boolean, symbol?: string): void {
    for (const s of symbol ? [this.market(symbol).symbol] : this.feed.symbols()) this.feed.setPaused(s, paused);
    this.dirty = true;
  }

  prices() {
    return this.feed.symbols().map((s) => ({ ...this.feed.status(s), ...quoteJson(this.feed.quote(s)) }));
  }

  createAccount(seed: AccountSeed = {}): { id: string; apiKey: string; secret: string } {
    const a = this.accounts.create(seed);
    this.dirty = true;
    return { id: a.id, apiKey: a.apiKey, secret: a.secret };
  }

  private account(idOrKey: string): Account {
    const a = this.accounts.find(idOrKey);
    if (!a) throw new Error(`no account ${idOrKey}`);
    return a;
  }

  /** Sets free balances (e.g. { USDT: '5000' }); locked funds of open orders stay as they are. */
  setBalances(idOrKey: string, balances: Record<string, string | number>): void {
    const a = this.account(idOrKey);
    for (const [asset, amount] of Object.entries(balances)) setFree(a, asset, units(typeof amount === 'number' ? amount.toFixed(8) : amount));
    this.dirty = true;
  }

  /** An account as a test or the platform wants to see it; never includes the secret. */
  accountState(idOrKey: string) {
    const a = this.account(idOrKey);
    return {
      id: a.id,
      label: a.label,
      apiKey: a.apiKey,
      makerCommission: formatUnits(a.makerRate),
      takerCommission: formatUnits(a.takerRate),
      balances: Object.fromEntries([...a.balances.entries()].map(([asset, b]) => [asset, { free: formatUnits(b.free), locked: formatUnits(b.locked) }])),
      openOrders: this.matcher.openOrders(a).map(orderJson),
      orders: a.orders.size,
      trades: a.trades.length,
    };
  }

  listAccounts() {
    return this.accounts.all().map((a) => ({ id: a.id, label: a.label, apiKey: a.apiKey, orders: a.orders.size }));
  }

  injectFault(rule: FaultRuleInput) {
    return this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  resetWeights(): void {
    this.weights.reset();
  }
}

export const quoteJson = (q: { last: bigint; bid: bigint; ask: bigint }) => ({ last: formatUnits(q.last), bid: formatUnits(q.bid), ask: formatUnits(q.ask) });

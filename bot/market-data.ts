// Market data shared by all bots of a host: one ccxt client and market list per exchange, one candle feed per
// (exchange, symbol, timeframe) and one ticker per (exchange, symbol), so fifty bots on BTC/USDT cost one request, not fifty.
import type { Exchange, Market } from 'ccxt';
import type { BotExchangeProfile } from '../domain/bot-host-config.js';
import { timeframeMs, type Candle } from '../domain/strategy-eval.js';
import type { Timeframe } from '../domain/strategy-checks.js';
import { Backoff, createClient } from './exchange-access.js';

/** Binance serves at most this many klines per request. */
const KLINES_LIMIT = 1000;

export interface Quote {
  bid: number;
  ask: number;
  last: number;
}

export interface MarketDataOptions {
  clock: () => number;
  /** A ticker younger than this is served from memory to every bot that asks (wall-clock ms). */
  tickerMaxAgeMs?: number;
  /** First retry delay after a failed request; doubles per failure up to a minute. */
  retryBaseMs?: number;
}

/** Closed candles of one symbol and timeframe, kept as long as the most demanding subscriber needs. */
export class CandleFeed {
  private candles: Candle[] = [];
  private keep = 1;
  private inflight: Promise<void> | null = null;
  private readonly backoff: Backoff;

  constructor(
    private readonly client: Exchange,
    readonly symbol: string,
    readonly timeframe: Timeframe,
    retryBaseMs: number,
  ) {
    this.backoff = new Backoff(retryBaseMs);
  }

  /** Asks the feed to keep at least `count` closed candles. */
  need(count: number): void {
    this.keep = Math.max(this.keep, count);
  }

  closed(): readonly Candle[] {
    return this.candles;
  }

  /** Fetches the candles that closed since the last refresh; a no-op while up to date or backing off after an error. */
  refresh(now: number): Promise<void> {
    const tf = timeframeMs(this.timeframe);
    const lastClosed = Math.floor(now / tf) * tf - tf;
    const newest = this.candles[this.candles.length - 1]?.time ?? -Infinity;
    if (newest >= lastClosed && this.candles.length >= this.keep) return Promise.resolve();
    if (!this.backoff.ready()) return Promise.resolve();
    this.inflight ??= this.fetch(now, newest, lastClosed, tf).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetch(now: number, newest: number, lastClosed: number, tf: number): Promise<void> {
    // Incremental when the gap is small and the history long enough; otherwise the whole window again.
    const incremental = this.candles.length >= this.keep && (lastClosed - newest) / tf < KLINES_LIMIT - 2;
    const since = incremental ? newest + tf : undefined;
    const limit = incremental ? Math.round((lastClosed - newest) / tf) + 1 : Math.min(KLINES_LIMIT, this.keep + 1);
    let rows;
    try {
      rows = await this.client.fetchOHLCV(this.symbol, this.timeframe, since, limit);
    } catch (err) {
      this.backoff.fail();
      throw err;
    }
    this.backoff.ok();
    const byTime = new Map((incremental ? this.candles : []).map((c) => [c.time, c]));
    for (const [time, open, high, low, close, volume] of rows) {
      // The forming candle changes until it closes: FreqTrade drops it, so do we.
      if (time === undefined || time + tf > now) continue;
      byTime.set(time, { time, open: open ?? 0, high: high ?? 0, low: low ?? 0, close: close ?? 0, volume: volume ?? 0 });
    }
    this.candles = [...byTime.values()].sort((a, b) => a.time - b.time).slice(-this.keep);
  }
}

/** One exchange as the host sees it: a public client, its markets, candle feeds and quotes. */
export class ExchangeFeed {
  readonly client: Exchange;
  private loading: Promise<Record<string, Market>> | null = null;
  private readonly feeds = new Map<string, CandleFeed>();
  private readonly quotes = new Map<string, { at: number; quote: Promise<Quote> }>();
  private readonly marketsBackoff: Backoff;

  constructor(
    readonly profile: BotExchangeProfile,
    private readonly opts: MarketDataOptions,
  ) {
    this.client = createClient(profile, opts.clock);
    this.marketsBackoff = new Backoff(opts.retryBaseMs ?? 1_000);
  }

  /** Loads the market list once; a failure is retried on a later call, after the backoff. */
  async markets(): Promise<Record<string, Market>> {
    if (!this.loading) {
      if (!this.marketsBackoff.ready()) throw new Error('markets not loaded yet (retrying after an error)');
      this.loading = this.client.loadMarkets().then(
        (m) => {
          this.marketsBackoff.ok();
          return m;
        },
        (err: unknown) => {
          this.loading = null;
          this.marketsBackoff.fail();
          throw err;
        },
      );
    }
    return this.loading;
  }

  /** A market by unified symbol, once markets are loaded. */
  market(symbol: string): Market | undefined {
    return (this.client.markets as Record<string, Market> | undefined)?.[symbol];
  }

  candles(symbol: string, timeframe: Timeframe): CandleFeed {
    const key = `${symbol}|${timeframe}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = new CandleFeed(this.client, symbol, timeframe, this.opts.retryBaseMs ?? 1_000);
      this.feeds.set(key, feed);
    }
    return feed;
  }

  /** Best bid, best ask and last price; one request per symbol per `tickerMaxAgeMs` however many bots ask. */
  quote(symbol: string): Promise<Quote> {
    const now = Date.now();
    const cached = this.quotes.get(symbol);
    if (cached && now - cached.at < (this.opts.tickerMaxAgeMs ?? 1_000)) return cached.quote;
    const quote = this.fetchQuote(symbol);
    this.quotes.set(symbol, { at: now, quote });
    quote.catch(() => this.quotes.delete(symbol));
    return quote;
  }

  private async fetchQuote(symbol: string): Promise<Quote> {
    const t = await this.client.fetchTicker(symbol);
    let { bid, ask } = t;
    if (!bid || !ask) {
      const book = await this.client.fetchOrderBook(symbol, 5);
      bid = book.bids[0]?.[0] ?? bid;
      ask = book.asks[0]?.[0] ?? ask;
    }
    const last = t.last ?? t.close ?? bid ?? ask;
    if (!bid || !ask || !last) throw new Error(`no price for ${symbol}: the ticker has no bid/ask and the order book is empty`);
    return { bid, ask, last };
  }
}

/** Every exchange feed of a host, by profile: bots configured with the same exchange share one. */
export class MarketHub {
  private readonly exchanges = new Map<string, ExchangeFeed>();

  constructor(private readonly opts: MarketDataOptions) {}

  exchange(profile: BotExchangeProfile): ExchangeFeed {
    const key = JSON.stringify([profile.ccxtId, profile.apiUrls ?? null, profile.options ?? null]);
    let feed = this.exchanges.get(key);
    if (!feed) {
      feed = new ExchangeFeed(profile, this.opts);
      this.exchanges.set(key, feed);
    }
    return feed;
  }
}

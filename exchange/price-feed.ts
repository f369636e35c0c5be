// Live prices per symbol: a seeded random walk advanced on each tick, scripted prices and paths, live 1-minute candles, and klines over history + live.
import { maxUnits, roundToStep, toNumber, unitsFromNumber } from '../domain/exchange-decimal.js';
import { alignDown, flatCandle, klineOpenTimes, klineRow, mergeCandles, parseInterval, type Candle, type Interval, type KlineWindow } from './candles.js';
import type { Market } from './markets.js';
import type { HistorySource } from './price-history.js';
import { gaussian, hashString, prng, uniformAt } from './random.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const ONE_MINUTE: Interval = { ms: MINUTE, offset: 0 };

export interface FeedSymbol {
  market: Market;
  history: HistorySource;
  startPrice: number;
  /** Prices to play one per tick before the walk resumes (replayed candles, scripted paths). */
  path?: number[];
}

export interface FeedOptions {
  seed: string;
  /** Nominal tick length; sets the walk's per-step volatility (a manual-tick exchange still uses it). */
  tickMs: number;
  spreadBps: number;
  startTime: number;
  clock: () => number;
  maxLiveMinutes: number;
}

interface SymbolState extends FeedSymbol {
  /** Walk state, unrounded; `last` is it rounded to the tick size. */
  price: number;
  last: bigint;
  paused: boolean;
  path: number[];
  rng: () => number;
  seed: number;
  /** Live 1-minute candles by open time, oldest first, and their keys for binary search. */
  minutes: Map<number, Candle>;
  minuteKeys: number[];
  stats?: { at: number; candle: Candle };
}

export interface Quote {
  last: bigint;
  bid: bigint;
  ask: bigint;
}

export class PriceFeed {
  private readonly states = new Map<string, SymbolState>();
  private listener: (symbol: string) => void = () => {};
  ticks = 0;

  constructor(symbols: FeedSymbol[], private readonly opts: FeedOptions) {
    for (const s of symbols) {
      const seed = hashString(`${opts.seed}:${s.market.symbol}`);
      const state: SymbolState = {
        ...s, price: s.startPrice, last: 0n, paused: false, path: [...(s.path ?? [])], rng: prng(seed), seed, minutes: new Map(), minuteKeys: [],
      };
      state.last = this.round(state, s.startPrice);
      this.states.set(s.market.symbol, state);
    }
  }

  /** Called after every price change of a symbol (the matching engine fills resting orders there). */
  onPriceChange(fn: (symbol: string) => void): void {
    this.listener = fn;
  }

  symbols(): string[] {
    return [...this.states.keys()];
  }

  private state(symbol: string): SymbolState {
    const s = this.states.get(symbol);
    if (!s) throw new Error(`unknown symbol ${symbol}`);
    return s;
  }

  private round(s: SymbolState, price: number): bigint {
    const tick = s.market.rules.tickSize;
    return maxUnits(tick, roundToStep(unitsFromNumber(price), tick));
  }

  /** One step for every symbol: the next scripted price if any, else a random-walk step unless paused. */
  tick(): void {
    this.ticks += 1;
    const sigma = (ms: number, vol: number) => vol * Math.sqrt(ms / DAY);
    for (const s of this.states.values()) {
      let next: number | undefined = s.path.shift();
      if (next === undefined && !s.paused) next = s.price * Math.exp(sigma(this.opts.tickMs || 1000, s.market.dailyVolatility) * gaussian(s.rng));
      if (next === undefined) continue;
      const volume = (s.market.dailyQuoteVolume / next) * ((this.opts.tickMs || 1000) / DAY) * (0.5 + uniformAt(s.seed, 103, this.ticks));
      this.apply(s, next, volume);
    }
  }

  setPrice(symbol: string, price: number): void {
    this.apply(this.state(symbol), price, 0);
  }

  pushPath(symbol: string, prices: number[]): void {
    this.state(symbol).path.push(...prices);
  }

  clearPath(symbol: string): void {
    this.state(symbol).path.length = 0;
  }

  setPaused(symbol: string, paused: boolean): void {
    this.state(symbol).paused = paused;
  }

  private apply(s: SymbolState, price: number, volume: number): void {
    if (!(price > 0) || !Number.isFinite(price)) throw new Error(`price must be a positive number, got ${price}`);
    const previous = toNumber(s.last);
    s.price = price;
    s.last = this.round(s, price);
    const now = this.opts.clock();
    const value = toNumber(s.last);
    const key = alignDown(now, ONE_MINUTE);
    const candle = s.minutes.get(key);
    if (candle) {
      candle.high = Math.max(candle.high, value);
      candle.low = Math.min(candle.low, value);
      candle.close = value;
      candle.volume += volume;
      candle.trades += 1;
    } else {
      // A new minute opens where the previous one closed, so candles join without gaps.
      s.minutes.set(key, { open: previous, high: Math.max(previous, value), low: Math.min(previous, value), close: value, volume, trades: 1 });
      s.minuteKeys.push(key);
      while (s.minuteKeys.length > this.opts.maxLiveMinutes) s.minutes.delete(s.minuteKeys.shift()!);
    }
    this.listener(s.market.symbol);
  }

  quote(symbol: string): Quote {
    const s = this.state(symbol);
    const tick = s.market.rules.tickSize;
    const half = maxUnits(tick, roundToStep((s.last * BigInt(Math.round(this.opts.spreadBps * 100))) / 2_000_000n, tick));
    return { last: s.last, bid: maxUnits(tick, s.last - half), ask: s.last + half };
  }

  status(symbol: string) {
    const s = this.state(symbol);
    return { symbol, price: toNumber(s.last), paused: s.paused, queuedPath: s.path.length };
  }

  /** Live part of [from, to): the minute candles inside, or a flat candle at the price in force when nothing traded. */
  private live(s: SymbolState, from: number, to: number): Candle {
    const parts: Candle[] = [];
    for (let m = alignDown(from, ONE_MINUTE); m < to; m += MINUTE) {
      const c = s.minutes.get(m);
      if (c) parts.push(c);
    }
    const merged = mergeCandles(parts);
    if (merged) return merged;
    return flatCandle(this.priceBefore(s, from));
  }

  private priceBefore(s: SymbolState, t: number): number {
    const keys = s.minuteKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? (keys.length > 0 ? s.minutes.get(keys[0]!)!.open : toNumber(s.last)) : s.minutes.get(keys[lo - 1]!)!.close;
  }

  /** One candle over [from, to), stitched from generated history (before start) and live minutes (after). */
  range(symbol: string, from: number, to: number): Candle | null {
    const s = this.state(symbol);
    const start = this.opts.startTime;
    const parts: Candle[] = [];
    if (from < start) {
      const h = s.history.range(from, Math.min(to, start));
      if (h) parts.push(h);
    }
    if (to > start) parts.push(this.live(s, Math.max(from, start), to));
    return mergeCandles(parts);
  }

  listedSince(symbol: string): number {
    return Math.min(this.state(symbol).history.listedSince, this.opts.startTime);
  }

  klines(symbol: string, interval: string, window: KlineWindow): (number | string)[][] | null {
    const iv = parseInterval(interval);
    if (!iv) return null;
    const s = this.state(symbol);
    const now = this.opts.clock();
    const rows: (number | string)[][] = [];
    for (const t of klineOpenTimes(iv, window, now, this.listedSince(symbol))) {
      const c = this.range(symbol, t, Math.min(t + iv.ms, now + 1));
      if (c) rows.push(klineRow(t, iv, c, s.market.priceDecimals));
    }
    return rows;
  }

  /** Rolling 24 h candle, cached for a second (ticker/24hr for all symbols is called often). */
  stats24h(symbol: string): Candle {
    const s = this.state(symbol);
    const now = this.opts.clock();
    if (s.stats && now - s.stats.at < 1000) return { ...s.stats.candle, close: toNumber(s.last) };
    const candle = this.range(symbol, now - DAY, now + 1) ?? flatCandle(toNumber(s.last));
    s.stats = { at: now, candle };
    return { ...candle, close: toNumber(s.last) };
  }

  /** Current prices and walk state, for snapshots. */
  export(): Record<string, { price: number; paused: boolean }> {
    return Object.fromEntries([...this.states.values()].map((s) => [s.market.symbol, { price: s.price, paused: s.paused }]));
  }
}

// Price history before the exchange started: a seeded multi-scale random walk readable at any time, or candles replayed from a file.
import fs from 'node:fs';
import { mergeCandles, type Candle } from './candles.js';
import { uniformAt } from './random.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface HistorySource {
  /** Earliest time with data (the "listing" of the market). */
  readonly listedSince: number;
  /** One candle covering [from, to), to at most the anchor time; null when nothing is known there. */
  range(from: number, to: number): Candle | null;
}

export interface WalkParams {
  seed: number;
  /** Where history ends and live prices begin. */
  anchorTime: number;
  anchorPrice: number;
  dailyVolatility: number;
  dailyQuoteVolume: number;
  historyDays: number;
}

/** A knot value with mean 0 and variance 1 (uniform: the sum over layers is close to normal anyway, at a third of the hashing). */
const knot = (seed: number, k: number, i: number): number => (uniformAt(seed, k, i) - 0.5) * 3.4641016151377544;

/** Candles are immutable history: computed ones are kept, up to this many per symbol. */
const CACHE_LIMIT = 20_000;

/** Scales of the noise layers, 1 minute to about 2 years, each 4× the previous. */
const SCALES = Array.from({ length: 11 }, (_, k) => MINUTE * 4 ** k);

/**
 * A random walk that can be read at any instant without generating what came before: the log price is a sum of
 * linearly interpolated random knots at scales 1 min … 2 years, with amplitudes ∝ √scale so returns over any horizon
 * have roughly the stated daily volatility. Anchored so the price at anchorTime is exactly anchorPrice.
 */
export class WalkHistory implements HistorySource {
  readonly listedSince: number;
  private readonly amplitudes: number[];
  private readonly anchorLog: number;
  private readonly minuteSigma: number;
  private readonly cache = new Map<string, Candle>();

  constructor(private readonly p: WalkParams) {
    this.listedSince = p.anchorTime - p.historyDays * DAY;
    // Sum over layers of 2·a² per unit lag ≈ (8/3)·c·lag for a 4× ladder, so c makes the daily variance vol².
    const c = (3 * p.dailyVolatility ** 2) / (8 * 1440);
    this.amplitudes = SCALES.map((s) => Math.sqrt(c * (s / MINUTE)));
    this.minuteSigma = p.dailyVolatility / Math.sqrt(1440);
    this.anchorLog = this.logAt(p.anchorTime);
  }

  private logAt(t: number): number {
    let sum = 0;
    for (let k = 0; k < SCALES.length; k++) {
      const u = (t - this.p.anchorTime) / SCALES[k]!;
      const i = Math.floor(u);
      const f = u - i;
      const g0 = knot(this.p.seed, k, i);
      const g1 = knot(this.p.seed, k, i + 1);
      sum += this.amplitudes[k]! * (g0 + (g1 - g0) * f);
    }
    return sum;
  }

  priceAt(t: number): number {
    return this.p.anchorPrice * Math.exp(this.logAt(t) - this.anchorLog);
  }

  range(from: number, to: number): Candle | null {
    from = Math.max(from, this.listedSince);
    to = Math.min(to, this.p.anchorTime);
    if (to <= from) return null;
    const key = `${from}:${to}`;
    const cached = this.cache.get(key);
    if (cached) return { ...cached };
    const candle = this.compute(from, to);
    this.cache.set(key, candle);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    return { ...candle };
  }

  private compute(from: number, to: number): Candle {
    const span = to - from;
    const n = Math.max(1, Math.ceil(span / Math.max(MINUTE, span / 24)));
    const open = this.priceAt(from);
    const close = this.priceAt(to);
    let high = Math.max(open, close);
    let low = Math.min(open, close);
    for (let j = 1; j < n; j++) {
      const price = this.priceAt(from + (span * j) / n);
      if (price > high) high = price;
      if (price < low) low = price;
    }
    const minute = Math.floor(from / MINUTE);
    // Wicks: the finest layer is linear within a minute, so intraminute extremes are added as a small random excess.
    high *= 1 + uniformAt(this.p.seed, 100, minute) * this.minuteSigma;
    low *= 1 - uniformAt(this.p.seed, 101, minute) * this.minuteSigma;
    const activity = 0.4 + 1.2 * uniformAt(this.p.seed, 102, minute);
    const volume = ((this.p.dailyQuoteVolume / ((open + close) / 2)) * span * activity) / DAY;
    const trades = Math.max(1, Math.round((span / MINUTE) * (20 + 80 * activity)));
    return { open, high, low, close, volume, trades };
  }
}

/** Candles read from a file, with their open times. */
export interface CandleSeries {
  intervalMs: number;
  times: number[];
  candles: Candle[];
}

/** Candles already moved in time so the last one closes where live prices begin. */
export class ReplayHistory implements HistorySource {
  readonly listedSince: number;
  constructor(private readonly series: CandleSeries) {
    this.listedSince = series.times[0] ?? Number.POSITIVE_INFINITY;
  }

  range(from: number, to: number): Candle | null {
    const { times, candles, intervalMs } = this.series;
    // First candle that ends after `from`.
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! + intervalMs <= from) lo = mid + 1;
      else hi = mid;
    }
    const parts: Candle[] = [];
    for (let i = lo; i < times.length && times[i]! < to; i++) parts.push(candles[i]!);
    const merged = mergeCandles(parts);
    if (merged && parts.length === 1 && to - from < intervalMs) {
      // A finer interval than the file's: the file's candle, with its volume shared out by time.
      merged.volume *= (to - from) / intervalMs;
    }
    return merged;
  }
}

const num = (v: unknown, what: string): number => {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`candle file: ${what} is not a number: ${String(v)}`);
  return n;
};

function rowToCandle(row: unknown): { time: number; candle: Candle } {
  if (Array.isArray(row)) {
    const [time, open, high, low, close, volume] = row;
    return { time: num(time, 'time'), candle: { open: num(open, 'open'), high: num(high, 'high'), low: num(low, 'low'), close: num(close, 'close'), volume: num(volume ?? 0, 'volume'), trades: 1 } };
  }
  const o = row as Record<string, unknown>;
  const time = o['openTime'] ?? o['time'] ?? o['timestamp'] ?? o['date'];
  const t = typeof time === 'string' && !/^\d+$/.test(time) ? Date.parse(time) : num(time, 'time');
  return { time: t, candle: { open: num(o['open'], 'open'), high: num(o['high'], 'high'), low: num(o['low'], 'low'), close: num(o['close'], 'close'), volume: num(o['volume'] ?? 0, 'volume'), trades: 1 } };
}

/** Reads candles from JSON (Binance kline arrays or {time, open, high, low, close, volume} objects) or CSV (same columns, header optional). */
export function loadCandleFile(file: string): CandleSeries {
  const text = fs.readFileSync(file, 'utf8').trim();
  let rows: unknown[];
  if (text.startsWith('[') || text.startsWith('{')) {
    const parsed: unknown = JSON.parse(text);
    rows = Array.isArray(parsed) ? parsed : ((parsed as { candles?: unknown[] }).candles ?? []);
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = lines[0] && /[a-z]/i.test(lines[0].split(',')[1] ?? '') ? lines.shift()!.split(',').map((h) => h.trim()) : null;
    rows = lines.map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      return header ? Object.fromEntries(header.map((h, i) => [h, cells[i]])) : cells;
    });
  }
  const parsed = rows.map(rowToCandle).sort((a, b) => a.time - b.time);
  if (parsed.length < 2) throw new Error(`candle file ${file}: needs at least two candles`);
  const intervalMs = parsed[1]!.time - parsed[0]!.time;
  if (intervalMs <= 0) throw new Error(`candle file ${file}: candles must have distinct open times`);
  return { intervalMs, times: parsed.map((p) => p.time), candles: parsed.map((p) => p.candle) };
}

/**
 * Splits a file into history (moved so its last candle closes at the anchor) and a live path of prices played one per
 * tick: open, then the extreme against the candle's direction, the other extreme, close.
 */
export function planReplay(series: CandleSeries, anchorTime: number, historyCandles = Math.floor(series.candles.length / 2)) {
  const h = Math.max(0, Math.min(historyCandles, series.candles.length));
  const end = Math.floor(anchorTime / series.intervalMs) * series.intervalMs;
  const history = new ReplayHistory({
    intervalMs: series.intervalMs,
    times: series.times.slice(0, h).map((_, i) => end - (h - i) * series.intervalMs),
    candles: series.candles.slice(0, h),
  });
  const livePath = series.candles.slice(h).flatMap((c) => (c.close >= c.open ? [c.open, c.low, c.high, c.close] : [c.open, c.high, c.low, c.close]));
  const startPrice = h > 0 ? series.candles[h - 1]!.close : series.candles[0]!.open;
  return { history, livePath, startPrice };
}

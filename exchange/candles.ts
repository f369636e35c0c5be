// Candles: kline intervals and their UTC alignment, merging partial candles, and Binance's kline row format.

export interface Candle {
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base asset volume. */
  volume: number;
  trades: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Supported kline intervals in ms (Binance's set minus 1s and 1M). */
export const INTERVALS: Readonly<Record<string, number>> = {
  '1m': MINUTE, '3m': 3 * MINUTE, '5m': 5 * MINUTE, '15m': 15 * MINUTE, '30m': 30 * MINUTE,
  '1h': HOUR, '2h': 2 * HOUR, '4h': 4 * HOUR, '6h': 6 * HOUR, '8h': 8 * HOUR, '12h': 12 * HOUR,
  '1d': DAY, '3d': 3 * DAY, '1w': 7 * DAY,
};

export interface Interval {
  ms: number;
  /** Binance weeks open on Monday 00:00 UTC; the Unix epoch was a Thursday. */
  offset: number;
}

export function parseInterval(text: string): Interval | null {
  const ms = INTERVALS[text];
  if (ms === undefined) return null;
  return { ms, offset: text === '1w' ? 4 * DAY : 0 };
}

/** Open time of the candle containing t. */
export const alignDown = (t: number, iv: Interval): number => Math.floor((t - iv.offset) / iv.ms) * iv.ms + iv.offset;
/** Open time of the first candle opening at or after t. */
export const alignUp = (t: number, iv: Interval): number => {
  const down = alignDown(t, iv);
  return down === t ? t : down + iv.ms;
};

/** Joins consecutive partial candles (earlier first) into one. */
export function mergeCandles(parts: readonly Candle[]): Candle | null {
  const first = parts[0];
  if (!first) return null;
  const merged: Candle = { ...first };
  for (let i = 1; i < parts.length; i++) {
    const c = parts[i]!;
    merged.high = Math.max(merged.high, c.high);
    merged.low = Math.min(merged.low, c.low);
    merged.close = c.close;
    merged.volume += c.volume;
    merged.trades += c.trades;
  }
  return merged;
}

export const flatCandle = (price: number): Candle => ({ open: price, high: price, low: price, close: price, volume: 0, trades: 0 });

export interface KlineWindow {
  startTime?: number;
  endTime?: number;
  limit: number;
}

/**
 * Open times Binance would return for a window: with startTime the oldest candles from there, otherwise the newest up to
 * endTime (or now); never past the candle that is open now, never before the first listed candle.
 */
export function klineOpenTimes(iv: Interval, window: KlineWindow, now: number, listedSince: number): number[] {
  const newest = alignDown(now, iv);
  const oldest = alignUp(listedSince, iv);
  const last = Math.min(newest, window.endTime === undefined ? newest : alignDown(window.endTime, iv));
  const times: number[] = [];
  if (window.startTime !== undefined) {
    for (let t = Math.max(oldest, alignUp(window.startTime, iv)); t <= last && times.length < window.limit; t += iv.ms) times.push(t);
    return times;
  }
  const first = Math.max(oldest, last - (window.limit - 1) * iv.ms);
  for (let t = first; t <= last; t += iv.ms) times.push(t);
  return times;
}

/** Decimal places a volume is shown with. */
const VOLUME_DECIMALS = 8;

/** One kline row exactly as Binance sends it: times as numbers, amounts as strings. */
export function klineRow(openTime: number, iv: Interval, c: Candle, priceDecimals: number): (number | string)[] {
  const p = (x: number) => x.toFixed(priceDecimals);
  const quoteVolume = c.volume * ((c.open + c.close) / 2);
  return [
    openTime,
    p(c.open),
    p(c.high),
    p(c.low),
    p(c.close),
    c.volume.toFixed(VOLUME_DECIMALS),
    openTime + iv.ms - 1,
    quoteVolume.toFixed(VOLUME_DECIMALS),
    c.trades,
    (c.volume / 2).toFixed(VOLUME_DECIMALS),
    (quoteVolume / 2).toFixed(VOLUME_DECIMALS),
    '0',
  ];
}

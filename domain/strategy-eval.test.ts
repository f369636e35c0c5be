// Strategy evaluation on scripted candles: indicator values, rules on the last closed candle, ROI and FreqTrade's exit order.
import { describe, expect, it } from 'vitest';
import { parseStrategy, type Strategy, type StrategyInput } from './strategy.js';
import {
  checkExit,
  closedCandles,
  computeIndicators,
  indicatorSeries,
  roiThreshold,
  ruleHolds,
  strategySignals,
  type Candle,
  type PositionState,
} from './strategy-eval.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

/** Candles of `minutes` each from a list of closes: each opens at the previous close. */
function series(closes: number[], minutes = 5): Candle[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : (closes[i - 1] as number);
    return { time: T0 + i * minutes * MIN, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 };
  });
}

function strategy(input: Partial<StrategyInput>): Strategy {
  const r = parseStrategy({
    schemaVersion: 1, name: 't', timeframe: '5m', startupCandles: 3, indicators: [],
    entry: { left: { price: 'close' }, op: '>', right: { value: 0 } }, exit: { left: { price: 'close' }, op: '<', right: { value: 0 } },
    minimalRoi: { '0': 0.04, '30': 0.02, '60': 0.01 }, stoploss: -0.1, ...input,
  });
  if (!r.success) throw new Error(r.issues.join('; '));
  return r.data;
}

const round = (xs: (number | null)[] | undefined, d = 6) => (xs ?? []).map((x) => (x === null ? null : Number(x.toFixed(d))));

describe('indicators', () => {
  it('SMA and EMA are null while warming up, then the textbook values', () => {
    const c = series([1, 2, 3, 4, 5]);
    expect(indicatorSeries({ id: 's', type: 'sma', period: 3, source: 'close' }, c).value).toEqual([null, null, 2, 3, 4]);
    // trading-signals seeds the EMA with the first price (k = 2 / (3 + 1) = 0.5): 1, 1.5, 2.25, 3.125, 4.0625.
    expect(indicatorSeries({ id: 'e', type: 'ema', period: 3, source: 'close' }, c).value).toEqual([null, null, 2.25, 3.125, 4.0625]);
  });

  it('RSI uses Wilder smoothing: 100 after only gains, 50 after an equal loss', () => {
    const rsi = indicatorSeries({ id: 'r', type: 'rsi', period: 2, source: 'close' }, series([1, 2, 3, 2]));
    expect(rsi.value).toEqual([null, null, 100, 50]);
  });

  it('Bollinger Bands collapse on a flat series and widen by stdDev population deviations', () => {
    const flat = indicatorSeries({ id: 'b', type: 'bbands', period: 3, stdDev: 2, source: 'close' }, series([5, 5, 5]));
    expect([flat.upper?.[2], flat.middle?.[2], flat.lower?.[2]]).toEqual([5, 5, 5]);
    const bb = indicatorSeries({ id: 'b', type: 'bbands', period: 3, stdDev: 2, source: 'close' }, series([1, 2, 3]));
    const sd = Math.sqrt(2 / 3);
    expect(bb.middle?.[2]).toBe(2);
    expect(bb.upper?.[2]).toBeCloseTo(2 + 2 * sd, 12);
    expect(bb.lower?.[0]).toBeNull();
  });

  it('MACD has all three outputs from slow + signal - 1 candles on', () => {
    const closes = Array.from({ length: 12 }, (_, i) => 100 + i * i);
    const m = indicatorSeries({ id: 'm', type: 'macd', fast: 3, slow: 5, signal: 4, source: 'close' }, series(closes));
    expect(m.macd?.slice(0, 7).every((x) => x === null)).toBe(true);
    expect(m.macd?.[7]).not.toBeNull();
    expect(m.histogram?.[11]).toBeCloseTo((m.macd?.[11] as number) - (m.signal?.[11] as number), 12);
    // A rising, accelerating series has the fast EMA above the slow one.
    expect(m.macd?.[11]).toBeGreaterThan(0);
  });

  it('reads the configured source (hl2, hlc3, ohlc4, volume)', () => {
    const c: Candle[] = [{ time: T0, open: 1, high: 4, low: 2, close: 3, volume: 7 }];
    const one = (source: 'hl2' | 'hlc3' | 'ohlc4' | 'volume') => indicatorSeries({ id: 'x', type: 'sma', period: 2, source }, [...c, ...c]).value?.[1];
    expect([one('hl2'), one('hlc3'), one('ohlc4'), one('volume')]).toEqual([3, 3, 2.5, 7]);
  });
});

describe('rules', () => {
  const s = strategy({
    startupCandles: 3,
    indicators: [{ id: 'sma3', type: 'sma', period: 3 }],
    entry: { left: { price: 'close' }, op: 'crossesAbove', right: { indicator: 'sma3' } },
    exit: { any: [{ left: { price: 'close' }, op: 'crossesBelow', right: { indicator: 'sma3' } }, { left: { price: 'close' }, op: '>=', right: { value: 20 } }] },
  });

  it('crossesAbove holds only on the candle that crosses, like qtpylib.crossed_above', () => {
    // sma3:            -,  -, 10, 9.67, 10.33, 11.67
    const c = series([10, 10, 10, 9, 12, 14]);
    const table = computeIndicators(s, c);
    expect(round(table.get('sma3')?.value, 2)).toEqual([null, null, 10, 9.67, 10.33, 11.67]);
    expect([2, 3, 4, 5].map((i) => ruleHolds(s.entry, c, table, i))).toEqual([false, false, true, false]);
  });

  it('any / all combine comparisons, and missing values never satisfy one', () => {
    const c = series([10, 10, 25]);
    const table = computeIndicators(s, c);
    expect(ruleHolds(s.exit, c, table)).toBe(true);
    expect(ruleHolds(s.exit, c, table, 1)).toBe(false);
    const all = { all: [{ left: { price: 'close' as const }, op: '>' as const, right: { value: 5 } }, { left: { indicator: 'sma3' }, op: '>' as const, right: { value: 0 } }] };
    expect(ruleHolds(all, c, table, 1)).toBe(false);
    expect(ruleHolds(all, c, table, 2)).toBe(true);
  });

  it('reads signals from the last closed candle only', () => {
    const c = series([10, 10, 10, 9, 12, 8]);
    // At T0 + 30 min the candle opened at +25 min has not closed: the cross at +20 min is the last closed one.
    const closed = closedCandles(c, '5m', T0 + 29 * MIN);
    expect(closed).toHaveLength(5);
    expect(strategySignals(s, closed)).toEqual({ enter: true, exit: false, candleTime: T0 + 20 * MIN });
    expect(strategySignals(s, closedCandles(c, '5m', T0 + 30 * MIN))).toEqual({ enter: false, exit: true, candleTime: T0 + 25 * MIN });
    expect(strategySignals(s, [])).toBeNull();
  });
});

describe('minimal ROI', () => {
  const roi = { '60': 0.01, '0': 0.04, '30': 0.02 };
  it('takes the entry of the largest key not above the trade age in minutes', () => {
    expect([0, 29, 30, 59, 60, 600].map((m) => roiThreshold(roi, m))).toEqual([0.04, 0.04, 0.02, 0.02, 0.01, 0.01]);
    expect(roiThreshold({ '10': 0.01 }, 5)).toBeNull();
    expect(roiThreshold({}, 5)).toBeNull();
  });
});

describe('checkExit (FreqTrade should_exit)', () => {
  const s = strategy({ minimalRoi: { '0': 0.04, '30': 0.02 }, stoploss: -0.05 });
  const pos: PositionState = { openRate: 100, openTime: T0, feeOpen: 0, feeClose: 0, highWaterMark: 100 };

  it('exits by ROI only when the profit is strictly above the threshold for the trade age', () => {
    expect(checkExit(s, pos, 104, T0 + MIN, null).reason).toBeNull();
    expect(checkExit(s, pos, 104.01, T0 + MIN, null).reason).toBe('roi');
    expect(checkExit(s, pos, 102.5, T0 + 29 * MIN, null).reason).toBeNull();
    expect(checkExit(s, pos, 102.5, T0 + 30 * MIN, null).reason).toBe('roi');
  });

  it('includes fees in the profit it compares', () => {
    const withFees = { ...pos, feeOpen: 0.001, feeClose: 0.001 };
    expect(checkExit(s, withFees, 104.1, T0, null).reason).toBeNull();
    expect(checkExit(s, withFees, 104.3, T0, null).reason).toBe('roi');
  });

  it('exits at the stop with stop_loss, and with trailing_stop_loss once the stop has moved up', () => {
    expect(checkExit(s, pos, 95.01, T0, null).reason).toBeNull();
    expect(checkExit(s, pos, 95, T0, null)).toMatchObject({ reason: 'stop_loss', stop: { stop: 95, trailing: false } });
    const t = strategy({ minimalRoi: { '0': 0.5 }, stoploss: -0.05, trailingStop: true });
    const up = checkExit(t, pos, 110, T0, null);
    expect(up).toMatchObject({ reason: null, highWaterMark: 110, stop: { stop: 104.5, trailing: true } });
    const down = checkExit(t, { ...pos, highWaterMark: up.highWaterMark }, 104.5, T0 + MIN, null);
    expect(down).toMatchObject({ reason: 'trailing_stop_loss', highWaterMark: 110 });
  });

  it('checks in FreqTrade\'s order: exit signal, stoploss, ROI, trailing stop', () => {
    expect(checkExit(s, pos, 110, T0, { enter: false, exit: true }).reason).toBe('exit_signal');
    // An entry signal on the same candle cancels the exit signal (FreqTrade: exit_ and not enter).
    expect(checkExit(s, pos, 101, T0, { enter: true, exit: true }).reason).toBeNull();
    // With "0": -1 the ROI always fires, but a stop hit comes first.
    const always = strategy({ minimalRoi: { '0': -1 }, stoploss: -0.05 });
    expect(checkExit(always, pos, 94, T0, null).reason).toBe('stop_loss');
    expect(checkExit(always, pos, 99, T0, null).reason).toBe('roi');
    const trail = strategy({ minimalRoi: { '0': -1 }, stoploss: -0.05, trailingStop: true });
    expect(checkExit(trail, { ...pos, highWaterMark: 120 }, 110, T0, null).reason).toBe('roi');
  });
});

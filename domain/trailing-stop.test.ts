// Stop and trailing-stop levels against the worked examples of FreqTrade's docs/stoploss.md and the rules of its code.
import { describe, expect, it } from 'vitest';
import { ceilToTick, profitRatio, stopHit, stopLevel, type TrailingStopParams } from './trailing-stop.js';

const fixed: TrailingStopParams = { stoploss: -0.1, trailingStop: false };
const trailing: TrailingStopParams = { stoploss: -0.1, trailingStop: true };

describe('stopLevel', () => {
  it('keeps a fixed stop at entry * (1 - |stoploss|) whatever the high', () => {
    expect(stopLevel(100, 100, fixed)).toEqual({ stop: 90, initialStop: 90, trailing: false, ratio: -0.1 });
    expect(stopLevel(100, 150, fixed).stop).toBe(90);
  });

  it('trails 10 % below the highest price seen (docs: 102 → 91.8, still 91.8 after a drop to 101)', () => {
    const at102 = stopLevel(100, 102, trailing);
    expect(at102.stop).toBeCloseTo(91.8, 10);
    expect(at102.trailing).toBe(true);
    // The high-water mark stays 102 when the price falls back to 101, so the stop does not move down.
    expect(stopLevel(100, 102, trailing).stop).toBe(at102.stop);
    expect(stopHit(at102, 101)).toBe(false);
    expect(stopHit(at102, 91.8)).toBe(true);
  });

  it('switches to trailingStopPositive once the profit passes the offset (docs: 102 → 99.96 with offset 0)', () => {
    const p = { ...trailing, trailingStopPositive: 0.02 };
    expect(stopLevel(100, 102, p)).toEqual({ stop: expect.closeTo(99.96, 10), initialStop: 90, trailing: true, ratio: -0.02 });
  });

  it('uses the stoploss distance below the offset and the positive one above it (docs: 102 → 91.8, 103.5 → 101.43)', () => {
    const p = { ...trailing, trailingStopPositive: 0.02, trailingStopPositiveOffset: 0.03 };
    expect(stopLevel(100, 102, p).stop).toBeCloseTo(91.8, 10);
    expect(stopLevel(100, 102, p).ratio).toBe(-0.1);
    expect(stopLevel(100, 103.5, p).stop).toBeCloseTo(101.43, 10);
  });

  it('with trailingOnlyOffsetIsReached keeps the initial stop until the offset is reached', () => {
    const p = { ...trailing, trailingStopPositive: 0.02, trailingStopPositiveOffset: 0.03, trailingOnlyOffsetIsReached: true };
    expect(stopLevel(100, 102.9, p)).toEqual({ stop: 90, initialStop: 90, trailing: false, ratio: -0.1 });
    // At exactly the offset FreqTrade's code (profit > offset) still uses the stoploss distance: 103 * 0.9.
    expect(stopLevel(100, 103, p).stop).toBeCloseTo(92.7, 10);
    expect(stopLevel(100, 103.5, p).stop).toBeCloseTo(101.43, 10);
  });

  it('measures the profit at the high after fees, so fees delay the switch to the positive distance', () => {
    const p = { ...trailing, trailingStopPositive: 0.02, trailingStopPositiveOffset: 0.03, feeOpen: 0.001, feeClose: 0.001 };
    // 103.1 * 0.999 / 100.1 - 1 = 2.89 %: below the 3 % offset.
    expect(stopLevel(100, 103.1, p).stop).toBeCloseTo(103.1 * 0.9, 10);
    expect(stopLevel(100, 103.3, p).stop).toBeCloseTo(103.3 * 0.98, 10);
  });

  it('never lowers the stop as the high-water mark rises, and marks it trailing only once it moved', () => {
    const p = { ...trailing, trailingStopPositive: 0.01, trailingStopPositiveOffset: 0.02 };
    let previous = -Infinity;
    for (let high = 95; high <= 130; high += 0.25) {
      const level = stopLevel(100, high, p);
      expect(level.stop).toBeGreaterThanOrEqual(previous);
      expect(level.trailing).toBe(level.stop > level.initialStop);
      previous = level.stop;
    }
    expect(stopLevel(100, 99, p).trailing).toBe(false);
  });

  it('rounds stops up to the price tick like price_to_precision(ROUND_UP)', () => {
    expect(stopLevel(95.55, 95.55, { ...fixed, tickSize: 0.01 }).stop).toBe(86);
    expect(stopLevel(100, 100, { ...fixed, tickSize: 0.01 }).stop).toBe(90);
    // Decimal rounding of the float's shortest string, as FreqTrade does: a real excess rounds up, an exact value stays.
    expect(ceilToTick(90.0000000001, 0.01)).toBe(90.01);
    expect(ceilToTick(100 * 0.9, 0.01)).toBe(90);
    expect(ceilToTick(2.5e-7, 1e-8)).toBe(2.5e-7);
    expect(ceilToTick(101.4, 0.05)).toBe(101.4);
    expect(ceilToTick(101.41, 0.05)).toBe(101.45);
    expect(ceilToTick(0.123451, 0.0001)).toBe(0.1235);
    expect(ceilToTick(12.3, undefined)).toBe(12.3);
  });
});

describe('profitRatio', () => {
  it('is calc_profit_ratio: fees on both sides, 8 decimals', () => {
    expect(profitRatio(100, 110)).toBe(0.1);
    expect(profitRatio(100, 104, 0.001, 0.001)).toBe(Number((((104 * 0.999) / 100.1) - 1).toFixed(8)));
    expect(profitRatio(0, 10)).toBe(0);
  });
});

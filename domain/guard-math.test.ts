// Guard price logic on scripted price paths: the trail follows the peak, triggers at the right price and never before
// activation; the ladder sells the right fractions; candles give back the peak (and a crossed stop) after downtime.
import { describe, expect, it } from 'vitest';
import { CreateGuardInput, guardRuleIssue, type GuardRules } from './guard.js';
import { guardLevels, observePrice, recoverFromCandles, targetAmount, type WatchEvent, type WatchedPosition } from './guard-math.js';

const position = (rules: GuardRules, entryPrice = 100): WatchedPosition => ({ entryPrice, rules, nextTarget: 0, breakEven: false, peak: entryPrice, peakAt: 0 });

/** Feeds a price path to a guard like the watcher does; returns the first non-peak event and the peak then. */
function run(g: WatchedPosition, path: number[]): { event: WatchEvent | null; peak: number; index: number } {
  let acknowledged = g.peak;
  for (const [i, price] of path.entries()) {
    const seen = observePrice(g, price, i, acknowledged, 0.005);
    Object.assign(g, { peak: seen.peak, peakAt: seen.peakAt });
    if (seen.event?.kind === 'peak') acknowledged = seen.event.peak;
    else if (seen.event) return { event: seen.event, peak: g.peak, index: i };
  }
  return { event: null, peak: g.peak, index: -1 };
}

describe('trailing stop on a price path', () => {
  it('follows the peak up and triggers when the price falls through the trail', () => {
    const g = position({ trail: { trailPct: 5 } });
    const r = run(g, [101, 105, 110, 108, 106, 104.6, 104.4]);
    // Peak 110: stop 104.5; 104.6 holds, 104.4 triggers.
    expect(r.peak).toBe(110);
    expect(r.event).toMatchObject({ kind: 'stop', price: 104.4, stop: expect.closeTo(104.5, 9) });
    expect(r.index).toBe(6);
  });

  it('starts at the trail below the entry when nothing rose yet', () => {
    expect(guardLevels(position({ trail: { trailPct: 5 } }), 100).stop).toBeCloseTo(95, 9);
    expect(run(position({ trail: { trailPct: 5 } }), [99, 96, 95.1, 94.9]).event).toMatchObject({ kind: 'stop', price: 94.9 });
  });

  it('never triggers before activation, then trails from the peak', () => {
    const g = position({ trail: { trailPct: 2, activationPrice: 110 } });
    expect(run({ ...g }, [105, 90, 50, 108]).event).toBeNull(); // a crash before activation is not this guard's job
    const r = run(g, [105, 90, 109, 111, 112, 109.8, 109.7]);
    expect(r.event).toMatchObject({ kind: 'stop', price: 109.7, stop: expect.closeTo(109.76, 9) });
  });

  it('with an activation offset and a stoploss: the stoploss holds before activation', () => {
    const g = position({ trail: { trailPct: 2, activationOffsetPct: 10, stoplossPct: 8 } });
    expect(guardLevels(g, 105)).toMatchObject({ activated: false, stop: 92 });
    expect(run(g, [105, 95, 92.5, 91.9]).event).toMatchObject({ kind: 'stop', price: 91.9 });
  });

  it('reports a material new peak so the workflow can checkpoint it, and not every tick', () => {
    const g = position({ trail: { trailPct: 5 } });
    const events: number[] = [];
    let acknowledged = 100;
    for (const price of [100.1, 100.2, 100.3, 100.6, 100.7, 101.2]) {
      const seen = observePrice(g, price, 0, acknowledged, 0.005);
      Object.assign(g, { peak: seen.peak });
      if (seen.event?.kind === 'peak') events.push((acknowledged = seen.event.peak));
    }
    expect(events).toEqual([100.6, 101.2]);
  });
});

describe('take-profit ladder', () => {
  const rules: GuardRules = { takeProfit: { targets: [{ pct: 5, fraction: 0.5 }, { price: 110, fraction: 0.3 }, { pct: 20, fraction: 0.2 }], breakEvenAfterFirst: true } };

  it('reaches the targets in order, each selling its fraction of the original amount, the last all that is left', () => {
    const g = position(rules);
    expect(run(g, [103, 104.9, 105.2]).event).toMatchObject({ kind: 'target', index: 0, price: 105.2 });
    expect(targetAmount(rules, 0, 2, 2)).toBe(1);
    g.nextTarget = 1;
    expect(run(g, [109, 110]).event).toMatchObject({ kind: 'target', index: 1 });
    expect(targetAmount(rules, 1, 2, 1)).toBeCloseTo(0.6, 12);
    g.nextTarget = 2;
    expect(targetAmount(rules, 2, 2, 0.4000001)).toBe(0.4000001);
  });

  it('moves the stop to break-even after the first target', () => {
    const g = { ...position(rules), nextTarget: 1, breakEven: true };
    expect(guardLevels(g, 106).stop).toBe(100);
    expect(run(g, [104, 100.5, 99.9]).event).toMatchObject({ kind: 'stop', price: 99.9, stop: 100 });
  });
});

describe('recovery from candles after the watcher was down', () => {
  it('finds the exact peak made while nobody watched', () => {
    const g = { ...position({ trail: { trailPct: 5 } }), peak: 110, peakAt: 60_000 };
    const r = recoverFromCandles(g, [
      { t: 0, high: 109, low: 100 }, // before the checkpoint minute ended: already counted
      { t: 60_000, high: 112, low: 109 },
      { t: 120_000, high: 117.5, low: 111 },
      { t: 180_000, high: 116, low: 112 },
    ], 60_000);
    expect(r).toEqual({ peak: 117.5, peakAt: 120_000, crossedAt: null });
  });

  it('finds a stop crossed meanwhile, judged by the peak before that candle', () => {
    const g = { ...position({ trail: { trailPct: 5 } }), peak: 110, peakAt: 0 };
    const r = recoverFromCandles(g, [{ t: 0, high: 120, low: 112 }, { t: 60_000, high: 121, low: 113.5 }], 60_000);
    // Peak 120 after the first candle: stop 114; the second candle's low 113.5 crossed it.
    expect(r).toMatchObject({ peak: 120, crossedAt: 60_000 });
  });
});

describe('rules checks name the field', () => {
  it('rejects a trail of 0 or 100 % and more', () => {
    for (const trailPct of [0, -1, 100, 150]) {
      const r = CreateGuardInput.safeParse({ target: { kind: 'wallet', exchangeAccountId: crypto.randomUUID(), symbol: 'BTC/USDT', amount: 1 }, trail: { trailPct } });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path.join('.')).toBe('trail.trailPct');
    }
  });

  it('rejects targets out of order, below the entry, or selling more than the position', () => {
    expect(guardRuleIssue({ takeProfit: { targets: [{ price: 120, fraction: 0.5 }, { price: 110, fraction: 0.5 }], breakEvenAfterFirst: false } }, 100))
      .toEqual({ field: 'takeProfit.targets.1.price', message: 'targets must rise: each above the one before' });
    expect(guardRuleIssue({ takeProfit: { targets: [{ price: 90, fraction: 0.5 }], breakEvenAfterFirst: false } }, 100)?.field).toBe('takeProfit.targets.0.price');
    expect(guardRuleIssue({ takeProfit: { targets: [{ pct: 5, fraction: 0.7 }, { pct: 10, fraction: 0.5 }], breakEvenAfterFirst: false } }, 100)?.field).toBe('takeProfit.targets.1.fraction');
    expect(guardRuleIssue({}, 100)?.field).toBe('trail');
    expect(guardRuleIssue({ trail: { trailPct: 5, stoplossPct: 3 } }, 100)?.field).toBe('trail.stoplossPct');
  });
});

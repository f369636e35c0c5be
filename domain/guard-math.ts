// The price logic of a position guard, pure and deterministic: the stop in force for a peak (FreqTrade's trailing-stop
// math from trailing-stop.ts), the take-profit ladder, what one observed price means for a guard, and how a guard
// recovers the exact peak (and a stop crossed) from the exchange's candles after its watcher was down.
import { targetPrice, type GuardRules } from './guard-rules.js';
import { stopLevel } from './trailing-stop.js';

export interface GuardPosition {
  entryPrice: number;
  rules: GuardRules;
  /** Take-profit targets already sold. */
  nextTarget: number;
  /** The stop was moved to the entry after the first target. */
  breakEven: boolean;
}

export interface GuardLevels {
  /** Where the trail starts to follow the peak; null when it follows from the start. */
  activationPrice: number | null;
  activated: boolean;
  /** Price at or below which the guard exits; null while nothing can trigger. */
  stop: number | null;
}

/** The stop in force for a position whose highest price since the guard started is `peak`. */
export function guardLevels(p: GuardPosition, peak: number): GuardLevels {
  const trail = p.rules.trail;
  let stop: number | null = null;
  let activationPrice: number | null = null;
  let activated = false;
  if (trail) {
    activationPrice = trail.activationPrice ?? (trail.activationOffsetPct !== undefined ? p.entryPrice * (1 + trail.activationOffsetPct / 100) : null);
    activated = activationPrice === null || peak >= activationPrice;
    if (activated) {
      // trailing_stop_positive from the peak once in profit; the stoploss distance (default: the trail) below that.
      stop = stopLevel(p.entryPrice, peak, {
        stoploss: -(trail.stoplossPct ?? trail.trailPct) / 100,
        trailingStop: true,
        trailingStopPositive: trail.trailPct / 100,
        trailingStopPositiveOffset: 0,
      }).stop;
    } else if (trail.stoplossPct !== undefined) {
      stop = p.entryPrice * (1 - trail.stoplossPct / 100);
    }
  }
  if (p.breakEven) stop = Math.max(stop ?? 0, p.entryPrice);
  return { activationPrice, activated, stop };
}

/** The next take-profit target's price, or null when none is left. */
export function nextTargetPrice(p: GuardPosition): number | null {
  const t = p.rules.takeProfit?.targets[p.nextTarget];
  return t ? targetPrice(t, p.entryPrice) : null;
}

/** How much target `index` sells: its fraction of the original amount, or all that is left at the last target. */
export function targetAmount(rules: GuardRules, index: number, amount: number, remaining: number): number {
  const targets = rules.takeProfit?.targets ?? [];
  const t = targets[index];
  if (!t) return 0;
  const soldBefore = targets.slice(0, index).reduce((sum, x) => sum + x.fraction, 0);
  const isLast = index === targets.length - 1;
  const wholeRest = isLast && soldBefore + t.fraction >= 1 - 1e-9;
  return wholeRest ? remaining : Math.min(remaining, amount * t.fraction);
}

export type WatchEvent =
  /** `missedAt`: the stop was crossed while nobody watched (found in candles); `stop` is then not known here. */
  | { kind: 'stop'; price: number; peak: number; stop: number | null; at: number; missedAt?: number }
  | { kind: 'target'; index: number; price: number; peak: number; at: number }
  | { kind: 'peak'; peak: number; at: number };

export interface WatchedPosition extends GuardPosition {
  peak: number;
  peakAt: number;
}

/**
 * One observed (sellable) price for a guard: the peak it raises, and the event it means, if any. Stop first, then the
 * next target; otherwise a peak at least `materialRatio` above `acknowledgedPeak` (the one the guard's workflow holds).
 */
export function observePrice(
  g: WatchedPosition,
  price: number,
  at: number,
  acknowledgedPeak: number,
  materialRatio: number,
): { peak: number; peakAt: number; event: WatchEvent | null } {
  const raised = price > g.peak;
  const peak = raised ? price : g.peak;
  const peakAt = raised ? at : g.peakAt;
  const { stop } = guardLevels(g, peak);
  if (stop !== null && price <= stop) return { peak, peakAt, event: { kind: 'stop', price, peak, stop, at } };
  const target = nextTargetPrice(g);
  if (target !== null && price >= target) return { peak, peakAt, event: { kind: 'target', index: g.nextTarget, price, peak, at } };
  if (peak >= acknowledgedPeak * (1 + materialRatio) && peak > acknowledgedPeak) return { peak, peakAt, event: { kind: 'peak', peak, at } };
  return { peak, peakAt, event: null };
}

export interface Candle {
  /** Open time, ms. */
  t: number;
  high: number;
  low: number;
}

/**
 * What happened while nobody watched: candles (any interval, oldest first) since the last checkpoint of the peak.
 * Each candle's low is checked against the stop of the peak before it (a candle does not say whether its high came
 * before its low, so the stop is not raised by the same candle's high), then its high raises the peak. Returns the
 * recovered peak, and the first candle whose low crossed the stop.
 */
export function recoverFromCandles(
  g: WatchedPosition,
  candles: Candle[],
  intervalMs: number,
): { peak: number; peakAt: number; crossedAt: number | null } {
  let { peak, peakAt } = g;
  for (const c of candles) {
    if (c.t + intervalMs <= g.peakAt) continue; // wholly before the checkpoint: already in the peak
    const { stop } = guardLevels(g, peak);
    if (stop !== null && c.low <= stop) return { peak, peakAt, crossedAt: Math.max(c.t, g.peakAt) };
    if (c.high > peak) {
      peak = c.high;
      peakAt = Math.max(c.t, g.peakAt);
    }
  }
  return { peak, peakAt, crossedAt: null };
}

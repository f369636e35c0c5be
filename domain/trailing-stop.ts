// Stop-loss and trailing-stop math with FreqTrade's semantics, as a pure function of entry price, high-water mark and settings.
//
// FreqTrade (strategy/interface.py ft_stoploss_adjust, persistence Trade.adjust_stop_loss) moves the stop on every
// price it sees to `rate * (1 - |distance|)` and never lowers it, where the distance is `trailingStopPositive` once
// the profit at that rate exceeds `trailingStopPositiveOffset`, else the stoploss. The candidate stop grows with the
// rate, so the highest stop ever set is the one set at the highest rate seen: the high-water mark decides it alone.
// (That needs trailingStopPositive <= |stoploss|; domain/strategy-checks.ts requires it.)

export interface TrailingStopParams {
  /** Loss ratio of the initial stop, negative: -0.10 puts it 10 % below the entry. */
  stoploss: number;
  /** Whether the stop follows the price up (FreqTrade's trailing_stop). */
  trailingStop: boolean;
  /** Distance of the stop below the high once the profit passed the offset (trailing_stop_positive), e.g. 0.02. */
  trailingStopPositive?: number;
  /** Profit ratio above which trailingStopPositive applies (trailing_stop_positive_offset); default 0. */
  trailingStopPositiveOffset?: number;
  /** Keep the initial stop until the profit reaches the offset (trailing_only_offset_is_reached). */
  trailingOnlyOffsetIsReached?: boolean;
  /** Fee ratios: profit at the high-water mark is measured after fees, like FreqTrade's calc_profit_ratio. */
  feeOpen?: number;
  feeClose?: number;
  /** Price tick: stops are rounded up to it, like FreqTrade's price_to_precision(..., ROUND_UP). */
  tickSize?: number;
}

export interface StopLevel {
  /** Price at or below which the position is closed. */
  stop: number;
  /** Where the stop started: entry * (1 - |stoploss|). */
  initialStop: number;
  /** The stop was raised above the initial one (FreqTrade's is_stop_loss_trailing): an exit is a trailing_stop_loss. */
  trailing: boolean;
  /** Ratio that set the current stop, negative (FreqTrade's stop_loss_pct). */
  ratio: number;
}

/** FreqTrade's Trade.calc_profit_ratio for a long spot trade: fees on both sides, rounded to 8 decimals. */
export function profitRatio(entry: number, rate: number, feeOpen = 0, feeClose = 0): number {
  const open = entry * (1 + feeOpen);
  if (open === 0) return 0;
  return Number(((rate * (1 - feeClose)) / open - 1).toFixed(8));
}

/** A float as an exact decimal, digits / 10^scale, read from its shortest string (what Python's str() gives too). */
function toScaled(x: number): [bigint, number] {
  const [mantissa = '0', exp = '0'] = x.toString().split('e');
  const [whole = '0', frac = ''] = mantissa.split('.');
  let digits = BigInt(whole + frac);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return [digits, scale];
}

/** Rounds a price up to a multiple of the tick, in decimal like FreqTrade's price_to_precision (FtPrecise of str(price)). */
export function ceilToTick(price: number, tick: number | undefined): number {
  if (!tick || tick <= 0 || price <= 0) return price;
  const [p, ps] = toScaled(price);
  const [t, ts] = toScaled(tick);
  const scale = Math.max(ps, ts);
  const pv = p * 10n ** BigInt(scale - ps);
  const tv = t * 10n ** BigInt(scale - ts);
  const up = ((pv + tv - 1n) / tv) * tv;
  const text = up.toString().padStart(scale + 1, '0');
  return Number(scale ? `${text.slice(0, -scale)}.${text.slice(-scale)}` : text);
}

/** The stop in force for a long position bought at `entry` whose highest seen price is `highWaterMark`. */
export function stopLevel(entry: number, highWaterMark: number, p: TrailingStopParams): StopLevel {
  const stopAt = (rate: number, ratio: number) => ceilToTick(rate * (1 - Math.abs(ratio)), p.tickSize);
  const initialStop = stopAt(entry, p.stoploss);
  const initial: StopLevel = { stop: initialStop, initialStop, trailing: false, ratio: -Math.abs(p.stoploss) };
  const high = Math.max(entry, highWaterMark);
  if (!p.trailingStop || high <= initialStop) return initial;

  const offset = p.trailingStopPositiveOffset ?? 0;
  const profit = profitRatio(entry, high, p.feeOpen, p.feeClose);
  if (p.trailingOnlyOffsetIsReached && profit < offset) return initial;
  const ratio = p.trailingStopPositive !== undefined && profit > offset ? p.trailingStopPositive : p.stoploss;
  const candidate = stopAt(high, ratio);
  // Stops only walk up: a candidate not above the initial stop leaves it where it is.
  if (candidate <= initialStop) return initial;
  return { stop: candidate, initialStop, trailing: true, ratio: -Math.abs(ratio) };
}

/** Whether a price hits the stop (FreqTrade: stop_loss >= current rate). */
export const stopHit = (level: StopLevel, rate: number): boolean => level.stop >= rate;

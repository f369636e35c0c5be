// Evaluates a declarative strategy: indicator series (trading-signals), entry/exit rules on the last closed candle, and FreqTrade's exit checks.
import { BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import { TIMEFRAME_MINUTES, warmupCandles, type Comparison, type Operand, type Rule, type Timeframe } from './strategy-checks.js';
import type { IndicatorSpec, Strategy } from './strategy.js';
import { profitRatio, stopHit, stopLevel, type StopLevel } from './trailing-stop.js';

/** One OHLCV candle; `time` is its open time in ms (ccxt's and Binance's convention). */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export type Series = (number | null)[];
/** An indicator's outputs by field (`value` for single-output indicators), one entry per candle, null while warming up. */
export type IndicatorOutputs = Record<string, Series>;
export type IndicatorTable = ReadonlyMap<string, IndicatorOutputs>;

export const timeframeMs = (tf: Timeframe): number => TIMEFRAME_MINUTES[tf] * 60_000;

/** The candles that have closed by `now`: FreqTrade drops the still-forming last candle before analysing. */
export function closedCandles(candles: readonly Candle[], timeframe: Timeframe, now: number): Candle[] {
  const ms = timeframeMs(timeframe);
  return candles.filter((c) => c.time + ms <= now);
}

function sourceValue(c: Candle, source: IndicatorSpec['source']): number {
  switch (source) {
    case 'hl2':
      return (c.high + c.low) / 2;
    case 'hlc3':
      return (c.high + c.low + c.close) / 3;
    case 'ohlc4':
      return (c.open + c.high + c.low + c.close) / 4;
    default:
      return c[source];
  }
}

/** One indicator over the candles; values before its warm-up (see warmupCandles) are null. */
export function indicatorSeries(ind: IndicatorSpec, candles: readonly Candle[]): IndicatorOutputs {
  const first = warmupCandles(ind) - 1;
  const inputs = candles.map((c) => sourceValue(c, ind.source));
  const ready = <T>(i: number, v: T | null | undefined): T | null => (i >= first && v !== null && v !== undefined ? v : null);
  switch (ind.type) {
    case 'sma':
    case 'ema':
    case 'rsi': {
      const calc = ind.type === 'sma' ? new SMA(ind.period) : ind.type === 'ema' ? new EMA(ind.period) : new RSI(ind.period);
      return { value: inputs.map((x, i) => ready(i, calc.add(x))) };
    }
    case 'macd': {
      const calc = new MACD(new EMA(ind.fast), new EMA(ind.slow), new EMA(ind.signal));
      const out = inputs.map((x, i) => ready(i, calc.add(x)));
      return { macd: out.map((r) => r?.macd ?? null), signal: out.map((r) => r?.signal ?? null), histogram: out.map((r) => r?.histogram ?? null) };
    }
    case 'bbands': {
      const calc = new BollingerBands(ind.period, ind.stdDev);
      const out = inputs.map((x, i) => ready(i, calc.add(x)));
      return { upper: out.map((r) => r?.upper ?? null), middle: out.map((r) => r?.middle ?? null), lower: out.map((r) => r?.lower ?? null) };
    }
  }
}

export function computeIndicators(strategy: Pick<Strategy, 'indicators'>, candles: readonly Candle[]): IndicatorTable {
  return new Map(strategy.indicators.map((ind) => [ind.id, indicatorSeries(ind, candles)]));
}

/** An operand's value at candle i, or null when it has none yet. */
export function operandAt(op: Operand, candles: readonly Candle[], table: IndicatorTable, i: number): number | null {
  if (i < 0 || i >= candles.length) return null;
  if ('value' in op) return op.value;
  if ('price' in op) return candles[i]![op.price];
  const outputs = table.get(op.indicator);
  return outputs?.[op.field ?? 'value']?.[i] ?? null;
}

function comparisonHolds(c: Comparison, candles: readonly Candle[], table: IndicatorTable, i: number): boolean {
  const l = operandAt(c.left, candles, table, i);
  const r = operandAt(c.right, candles, table, i);
  if (l === null || r === null) return false;
  switch (c.op) {
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    case 'crossesAbove':
    case 'crossesBelow': {
      // qtpylib's crossed_above/below, as FreqTrade strategies use them: on the other side before, strictly across now.
      const pl = operandAt(c.left, candles, table, i - 1);
      const pr = operandAt(c.right, candles, table, i - 1);
      if (pl === null || pr === null) return false;
      return c.op === 'crossesAbove' ? l > r && pl <= pr : l < r && pl >= pr;
    }
  }
}

/** Whether a rule holds at candle i (by default the last one). A comparison with a missing value is false. */
export function ruleHolds(rule: Rule, candles: readonly Candle[], table: IndicatorTable, i = candles.length - 1): boolean {
  if ('all' in rule) return rule.all.every((r) => ruleHolds(r, candles, table, i));
  if ('any' in rule) return rule.any.some((r) => ruleHolds(r, candles, table, i));
  return comparisonHolds(rule, candles, table, i);
}

export interface Signals {
  enter: boolean;
  exit: boolean;
  /** Open time of the candle the signals were read from. */
  candleTime: number;
}

/** Entry and exit signals on the last of the closed candles; null when there is no candle to read. */
export function strategySignals(strategy: Pick<Strategy, 'indicators' | 'entry' | 'exit'>, closed: readonly Candle[]): Signals | null {
  const last = closed[closed.length - 1];
  if (!last) return null;
  const table = computeIndicators(strategy, closed);
  return { enter: ruleHolds(strategy.entry, closed, table), exit: ruleHolds(strategy.exit, closed, table), candleTime: last.time };
}

/** FreqTrade's min_roi_reached_entry: the ROI of the largest key not above the trade's age in whole minutes. */
export function roiThreshold(minimalRoi: Readonly<Record<string, number>>, tradeMinutes: number): number | null {
  let best: number | null = null;
  let threshold: number | null = null;
  for (const [key, roi] of Object.entries(minimalRoi)) {
    const minutes = Number(key);
    if (minutes <= tradeMinutes && (best === null || minutes > best)) {
      best = minutes;
      threshold = roi;
    }
  }
  return threshold;
}

export type ExitReason = 'exit_signal' | 'stop_loss' | 'roi' | 'trailing_stop_loss';

export interface PositionState {
  openRate: number;
  /** When the trade opened, ms. */
  openTime: number;
  feeOpen: number;
  feeClose: number;
  /** Highest exit price seen since the trade opened (FreqTrade's max_rate). */
  highWaterMark: number;
}

export interface ExitCheck {
  reason: ExitReason | null;
  highWaterMark: number;
  stop: StopLevel;
  /** Profit ratio at the rate checked, fees included. */
  profit: number;
}

/**
 * FreqTrade's should_exit for a long spot trade at the current exit `rate`: the high-water mark moves up, the stop
 * follows it, then the first of exit signal, stoploss, ROI and trailing stop that applies is the reason.
 */
export function checkExit(
  strategy: Pick<Strategy, 'minimalRoi' | 'stoploss' | 'trailingStop' | 'trailingStopPositive' | 'trailingStopPositiveOffset' | 'trailingOnlyOffsetIsReached'>,
  position: PositionState,
  rate: number,
  now: number,
  signals: Pick<Signals, 'enter' | 'exit'> | null,
  tickSize?: number,
): ExitCheck {
  const highWaterMark = Math.max(position.highWaterMark, position.openRate, rate);
  const stop = stopLevel(position.openRate, highWaterMark, { ...strategy, feeOpen: position.feeOpen, feeClose: position.feeClose, tickSize });
  const profit = profitRatio(position.openRate, rate, position.feeOpen, position.feeClose);
  const minutes = Math.floor((now - position.openTime) / 60_000);
  const roi = roiThreshold(strategy.minimalRoi, minutes);
  const hit = stopHit(stop, rate);
  let reason: ExitReason | null = null;
  if (signals?.exit && !signals.enter) reason = 'exit_signal';
  else if (hit && !stop.trailing) reason = 'stop_loss';
  else if (roi !== null && profit > roi) reason = 'roi';
  else if (hit) reason = 'trailing_stop_loss';
  return { reason, highWaterMark, stop, profit };
}

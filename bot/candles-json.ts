// FreqTrade's analysed dataframe as JSON (/pair_candles), the strategy's plot_config and /strategy/{name}, for a
// declarative strategy: its indicators become dataframe columns and plot lines the way a FreqTrade strategy's do.
import { TIMEFRAMES, type Timeframe } from '../domain/strategy-checks.js';
import { computeIndicators, ruleHolds, timeframeMs, type Candle, type IndicatorTable } from '../domain/strategy-eval.js';
import type { IndicatorSpec, Strategy } from '../domain/strategy.js';
import { formatDate } from './log.js';

export const OHLCV_COLUMNS = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
/** FreqTrade's signal columns after populate_entry/exit_trend: a tag and a 0/1 flag each way. */
const SIGNAL_COLUMNS = ['enter_tag', 'enter_long', 'exit_tag', 'exit_long'] as const;
/** What POST /pair_candles keeps whatever `columns` asks for (DEFAULT_DATAFRAME_COLUMNS and the signal flags). */
const ALWAYS_KEPT = [...['date', 'open', 'high', 'low', 'close', 'volume'], 'enter_long', 'exit_long', 'enter_short', 'exit_short'];

/** The dataframe column of one indicator output: the id for one-output indicators, `id_field` for MACD and bands. */
export const indicatorColumn = (id: string, field: string): string => (field === 'value' ? id : `${id}_${field}`);

const FIELDS: Record<IndicatorSpec['type'], string[]> = {
  sma: ['value'], ema: ['value'], rsi: ['value'],
  macd: ['macd', 'signal', 'histogram'], bbands: ['upper', 'middle', 'lower'],
};

export const isTimeframe = (tf: string): tf is Timeframe => (TIMEFRAMES as readonly string[]).includes(tf);

/** pandas' str(Timestamp) of a UTC candle time, as FreqTrade's data_start / data_stop print it. */
const pandasDate = (ms: number): string => `${formatDate(new Date(ms))}+00:00`;
/** pydantic's JSON of a UTC datetime inside the data rows. */
const isoDate = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export interface AnalysedCandles {
  candles: readonly Candle[];
  /** When the bot last analysed the pair (the newest candle's close when it never did). */
  lastAnalyzed: Date;
}

/**
 * FreqTrade's _convert_dataframe_to_dict for a declarative strategy's analysed candles. `selected` (POST
 * /pair_candles' `columns`) keeps only OHLCV, the signals and those columns; signals are read on every candle.
 */
export function pairCandlesJson(strategy: Strategy, pair: string, timeframe: string, data: AnalysedCandles, selected: string[] | null) {
  const { candles } = data;
  const table: IndicatorTable = computeIndicators(strategy, candles);
  const indicatorColumns = strategy.indicators.flatMap((ind) => FIELDS[ind.type].map((f) => ({ name: indicatorColumn(ind.id, f), id: ind.id, field: f })));
  const allColumns = [...OHLCV_COLUMNS, ...indicatorColumns.map((c) => c.name), ...SIGNAL_COLUMNS];
  const keep = selected === null ? null : new Set<string>([...ALWAYS_KEPT, ...selected]);
  const kept = <T extends string>(name: T) => keep === null || keep.has(name);
  const shown = indicatorColumns.filter((c) => kept(c.name));
  const signals = SIGNAL_COLUMNS.filter(kept);
  const enter = candles.map((_c, i) => (ruleHolds(strategy.entry, candles, table, i) ? 1 : 0));
  const exit = candles.map((_c, i) => (ruleHolds(strategy.exit, candles, table, i) ? 1 : 0));
  const enters = enter.reduce<number>((a, b) => a + b, 0);
  const exits = exit.reduce<number>((a, b) => a + b, 0);
  const has = candles.length > 0;
  // With content FreqTrade adds the candle's epoch ms and, per signal, the close where it fired (else null).
  const columns = [
    ...OHLCV_COLUMNS, ...shown.map((c) => c.name), ...signals,
    ...(has ? ['__date_ts', '_enter_long_signal_close', '_exit_long_signal_close'] : []),
  ];
  const signalValue = (name: (typeof SIGNAL_COLUMNS)[number], i: number) =>
    name === 'enter_long' ? enter[i] : name === 'exit_long' ? exit[i] : '';
  const rows = candles.map((c, i) => [
    isoDate(c.time), c.open, c.high, c.low, c.close, c.volume,
    ...shown.map((col) => table.get(col.id)?.[col.field]?.[i] ?? null),
    ...signals.map((name) => signalValue(name, i)),
    c.time, enter[i] ? c.close : null, exit[i] ? c.close : null,
  ]);
  const first = candles[0];
  const last = candles[candles.length - 1];
  return {
    pair,
    timeframe,
    timeframe_ms: isTimeframe(timeframe) ? timeframeMs(timeframe) : 0,
    strategy: strategy.name,
    all_columns: allColumns,
    columns,
    data: rows,
    length: candles.length,
    buy_signals: enters,
    sell_signals: exits,
    enter_long_signals: enters,
    exit_long_signals: exits,
    enter_short_signals: 0,
    exit_short_signals: 0,
    last_analyzed: isoDate(data.lastAnalyzed.getTime()),
    last_analyzed_ts: Math.floor(data.lastAnalyzed.getTime() / 1000),
    data_start: first ? pandasDate(first.time) : '',
    data_start_ts: first ? first.time : 0,
    data_stop: last ? pandasDate(last.time) : '',
    data_stop_ts: last ? last.time : 0,
    annotations: [],
  };
}

/** A fixed palette, so each indicator keeps its colour between reloads. */
const COLOURS = ['#2962ff', '#ff6d00', '#00897b', '#d81b60', '#8e24aa', '#6d4c41', '#43a047', '#fdd835'];

/**
 * The strategy's plot_config as a FreqTrade strategy would write it: moving averages and bands on the price chart,
 * RSI and MACD each in a subplot of their own.
 */
export function plotConfig(strategy: Strategy) {
  const main: Record<string, { color: string }> = {};
  const subplots: Record<string, Record<string, { color: string; type?: string }>> = {};
  strategy.indicators.forEach((ind, n) => {
    const colour = COLOURS[n % COLOURS.length]!;
    if (ind.type === 'sma' || ind.type === 'ema') main[ind.id] = { color: colour };
    else if (ind.type === 'bbands') for (const f of FIELDS.bbands) main[indicatorColumn(ind.id, f)] = { color: colour };
    else if (ind.type === 'rsi') subplots[ind.id.toUpperCase()] = { [ind.id]: { color: colour } };
    else {
      subplots[ind.id.toUpperCase()] = {
        [indicatorColumn(ind.id, 'macd')]: { color: colour },
        [indicatorColumn(ind.id, 'signal')]: { color: COLOURS[(n + 1) % COLOURS.length]! },
        [indicatorColumn(ind.id, 'histogram')]: { color: '#9e9e9e', type: 'bar' },
      };
    }
  });
  return { main_plot: main, subplots };
}

/** GET /strategy/{name} in trade mode: only the running strategy; its code is the declarative JSON. */
export function strategyJson(strategy: Strategy) {
  return { strategy: strategy.name, timeframe: strategy.timeframe, params: [], code: JSON.stringify(strategy, null, 2) };
}

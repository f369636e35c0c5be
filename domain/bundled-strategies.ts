// The platform's bundled builtin strategies, offered to every user (the first is the default for new bots).
import type { StrategyInput } from './strategy.js';

export const BUNDLED_BUILTIN_STRATEGIES: StrategyInput[] = [
  {
    schemaVersion: 1,
    name: 'RSI mean reversion',
    timeframe: '5m',
    startupCandles: 30,
    indicators: [
      { id: 'rsi14', type: 'rsi', period: 14 },
      { id: 'bb', type: 'bbands', period: 20, stdDev: 2 },
    ],
    entry: { all: [{ left: { indicator: 'rsi14' }, op: '<', right: { value: 30 } }, { left: { price: 'close' }, op: '<', right: { indicator: 'bb', field: 'lower' } }] },
    exit: { left: { indicator: 'rsi14' }, op: '>', right: { value: 70 } },
    minimalRoi: { '0': 0.04, '30': 0.02, '60': 0.01 },
    stoploss: -0.1,
    trailingStop: false,
  },
  {
    schemaVersion: 1,
    name: 'EMA crossover with trailing stop',
    timeframe: '15m',
    startupCandles: 60,
    indicators: [
      { id: 'emaFast', type: 'ema', period: 12 },
      { id: 'emaSlow', type: 'ema', period: 26 },
      { id: 'macd', type: 'macd', fast: 12, slow: 26, signal: 9 },
    ],
    entry: { all: [{ left: { indicator: 'emaFast' }, op: 'crossesAbove', right: { indicator: 'emaSlow' } }, { left: { indicator: 'macd', field: 'histogram' }, op: '>', right: { value: 0 } }] },
    exit: { left: { indicator: 'emaFast' }, op: 'crossesBelow', right: { indicator: 'emaSlow' } },
    minimalRoi: { '0': 0.1 },
    stoploss: -0.08,
    trailingStop: true,
    trailingStopPositive: 0.02,
    trailingStopPositiveOffset: 0.03,
    trailingOnlyOffsetIsReached: true,
  },
];

// The strategy a bot runs when its config names none: FreqTrade's sample strategy in declarative form.
import type { Strategy } from '../domain/strategy.js';

/** RSI(14) leaving oversold enters, RSI entering overbought exits; staged ROI, 10 % stoploss, 5 m candles. */
export const DEFAULT_STRATEGY: Strategy = {
  schemaVersion: 1,
  name: 'TradefleetBuiltin',
  timeframe: '5m',
  startupCandles: 30,
  indicators: [{ id: 'rsi', type: 'rsi', period: 14, source: 'close' }],
  entry: { left: { indicator: 'rsi' }, op: 'crossesAbove', right: { value: 30 } },
  exit: { left: { indicator: 'rsi' }, op: 'crossesAbove', right: { value: 70 } },
  minimalRoi: { '60': 0.01, '30': 0.02, '0': 0.04 },
  stoploss: -0.1,
  trailingStop: false,
};

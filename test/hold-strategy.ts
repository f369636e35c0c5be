// A builtin strategy that never enters nor exits on its own (no signal, no ROI, no stoploss in reach): a test that forces
// a trade open and expects it across a change (a move, a restart, a pairs change) holds it until the test exits it.
// Standing prices alone do not: candles before the exchange started are a random walk, and the default strategy's RSI
// exit can fire when the first flat candle closes.
import { expect } from 'vitest';
import { ORIGIN, type signedUpAgent } from './platform.js';

export const HOLD_STRATEGY = {
  schemaVersion: 1,
  name: 'Hold',
  timeframe: '5m',
  startupCandles: 1,
  indicators: [],
  entry: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  exit: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  minimalRoi: { '0': 100 },
  stoploss: -0.99,
  trailingStop: false,
};

/** Uploads HOLD_STRATEGY for `user`; returns the strategy version's id for a bot's `strategyVersionId`. */
export async function holdStrategyOf(user: Awaited<ReturnType<typeof signedUpAgent>>): Promise<string> {
  const res = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: HOLD_STRATEGY });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.strategy.id as string;
}

// Strategy validation: a valid strategy parses with its defaults, and every mistake is reported at its path in plain words.
import { describe, expect, it } from 'vitest';
import { parseStrategy, type StrategyInput } from './strategy.js';

export const rsiDip = (): StrategyInput => ({
  schemaVersion: 1,
  name: 'RSI dip',
  timeframe: '5m',
  startupCandles: 40,
  indicators: [
    { id: 'rsi14', type: 'rsi', period: 14 },
    { id: 'ema20', type: 'ema', period: 20, source: 'hlc3' },
    { id: 'macd', type: 'macd', fast: 12, slow: 26, signal: 9 },
    { id: 'bb', type: 'bbands', period: 20, stdDev: 2 },
  ],
  entry: {
    all: [
      { left: { indicator: 'rsi14' }, op: 'crossesAbove', right: { value: 30 } },
      { any: [{ left: { price: 'close' }, op: '<', right: { indicator: 'bb', field: 'lower' } }, { left: { indicator: 'macd', field: 'histogram' }, op: '>', right: { value: 0 } }] },
    ],
  },
  exit: { left: { indicator: 'rsi14' }, op: '>', right: { value: 70 } },
  minimalRoi: { '0': 0.04, '30': 0.02, '60': 0.01 },
  stoploss: -0.1,
});

/** Issues of a strategy changed by `patch`; the result must be a failure. */
function issuesOf(patch: (s: Record<string, unknown>) => void): string[] {
  const s = rsiDip() as Record<string, unknown>;
  patch(s);
  const r = parseStrategy(s);
  if (r.success) throw new Error('expected the strategy to be rejected');
  return r.issues;
}

describe('parseStrategy', () => {
  it('accepts a valid strategy and fills in the defaults', () => {
    const r = parseStrategy(rsiDip());
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data.trailingStop).toBe(false);
    expect(r.data.indicators[0]).toEqual({ id: 'rsi14', type: 'rsi', period: 14, source: 'close' });
    expect(r.data.indicators[1]).toMatchObject({ source: 'hlc3' });
    expect(r.data.entry).toEqual(rsiDip().entry);
  });

  it('survives a JSON round trip unchanged (strategies are stored and hashed as JSON)', () => {
    const r = parseStrategy(rsiDip());
    if (!r.success) throw new Error(r.issues.join('; '));
    expect(parseStrategy(JSON.parse(JSON.stringify(r.data)))).toEqual(r);
  });

  it('names a rule that references an unknown indicator', () => {
    expect(issuesOf((s) => (s['exit'] = { left: { indicator: 'rsi7' }, op: '>', right: { value: 70 } }))).toEqual([
      "exit.left.indicator: unknown indicator 'rsi7' (defined: rsi14, ema20, macd, bb)",
    ]);
  });

  it('rejects bad periods with the indicator path', () => {
    expect(issuesOf((s) => ((s['indicators'] as object[])[0] = { id: 'rsi14', type: 'rsi', period: 1 }))).toEqual([
      'indicators.0.period: period must be at least 2',
    ]);
    expect(issuesOf((s) => ((s['indicators'] as object[])[0] = { id: 'rsi14', type: 'rsi', period: 14.5 }))).toEqual([
      'indicators.0.period: period must be a whole number of candles',
    ]);
    expect(issuesOf((s) => ((s['indicators'] as object[])[2] = { id: 'macd', type: 'macd', fast: 26, slow: 12, signal: 9 }))).toEqual([
      'indicators.2.fast: must be smaller than slow (12)',
    ]);
  });

  it('rejects ROI keys that are not whole minutes', () => {
    expect(issuesOf((s) => (s['minimalRoi'] = { '0': 0.04, soon: 0.01, '1.5': 0.02 }))).toEqual([
      'minimalRoi.soon: keys are whole minutes since the trade opened, like "0", "30", "60"',
      'minimalRoi.1.5: keys are whole minutes since the trade opened, like "0", "30", "60"',
    ]);
  });

  it('rejects a stoploss that is not negative', () => {
    expect(issuesOf((s) => (s['stoploss'] = 0.1))).toEqual(['stoploss: must be negative, e.g. -0.10 for 10 %']);
    expect(issuesOf((s) => (s['stoploss'] = -1.5))).toEqual(['stoploss: must be at least -1 (a 100 % loss)']);
  });

  it('checks the trailing-stop settings as FreqTrade does', () => {
    const trailing = (extra: object) => (s: Record<string, unknown>) => Object.assign(s, { trailingStop: true, trailingStopPositive: 0.02, ...extra });
    expect(issuesOf(trailing({ trailingStopPositiveOffset: 0.01 }))).toEqual([
      'trailingStopPositiveOffset: must be greater than trailingStopPositive (0.02), or 0',
    ]);
    expect(issuesOf(trailing({ trailingOnlyOffsetIsReached: true }))).toEqual([
      'trailingStopPositiveOffset: must be greater than 0 when trailingOnlyOffsetIsReached is set',
    ]);
    expect(issuesOf(trailing({ trailingStopPositive: 0.2, stoploss: -0.05 }))).toEqual([
      'trailingStopPositive: must not be larger than the stoploss distance (0.05)',
    ]);
    expect(parseStrategy({ ...rsiDip(), trailingStop: true, trailingStopPositive: 0.02, trailingStopPositiveOffset: 0.03 }).success).toBe(true);
  });

  it('asks for a field on multi-output indicators and refuses one on single-output ones', () => {
    expect(issuesOf((s) => (s['exit'] = { left: { indicator: 'macd' }, op: '>', right: { value: 0 } }))).toEqual([
      "exit.left.field: indicator 'macd' (macd) needs field 'macd', 'signal', 'histogram'",
    ]);
    expect(issuesOf((s) => (s['exit'] = { left: { indicator: 'rsi14', field: 'upper' }, op: '>', right: { value: 70 } }))).toEqual([
      "exit.left.field: indicator 'rsi14' (rsi) has a single value: remove field",
    ]);
  });

  it('reports malformed rules at their path, including misspelt keys', () => {
    expect(issuesOf((s) => (s['exit'] = { left: { indicator: 'rsi14' }, op: '>', rigth: { value: 70 } }))).toEqual([
      "exit.rigth: unknown key 'rigth'",
    ]);
    expect(issuesOf((s) => (s['exit'] = { any: [] }))).toEqual(['exit.any: must be a non-empty array of rules']);
    expect(issuesOf((s) => (s['exit'] = { left: { indicator: 'rsi14' }, op: '=>', right: { value: 70 } }))).toEqual([
      "exit.op: must be one of '>', '<', '>=', '<=', 'crossesAbove', 'crossesBelow'",
    ]);
    expect(issuesOf((s) => (s['exit'] = { left: { value: 1 }, op: '>', right: { value: 0 } }))).toEqual([
      'exit: compares two constants: one side must be an indicator or a price',
    ]);
    expect(issuesOf((s) => (s['exit'] = { left: { price: 'close', value: 3 }, op: '>', right: { value: 0 } }))).toEqual([
      'exit.left: an operand has exactly one of indicator, price or value',
    ]);
    let deep: object = { left: { price: 'close' }, op: '>', right: { value: 1 } };
    for (let i = 0; i < 7; i++) deep = { all: [deep] };
    expect(issuesOf((s) => (s['exit'] = deep))[0]).toMatch(/^exit(\.all\.0)+: rules nest at most 6 deep$/);
  });

  it('asks for enough start-up candles to warm every indicator up', () => {
    expect(issuesOf((s) => (s['startupCandles'] = 20))).toEqual([
      "startupCandles: is 20, but indicator 'macd' needs 34 candles before its first value",
    ]);
  });

  it('rejects duplicate ids, unknown timeframes, unknown keys and other schema versions', () => {
    expect(issuesOf((s) => ((s['indicators'] as object[])[1] = { id: 'rsi14', type: 'ema', period: 20 }))).toEqual([
      "indicators.1.id: duplicate indicator id 'rsi14'",
    ]);
    expect(issuesOf((s) => (s['timeframe'] = '2m'))[0]).toMatch(/^timeframe: /);
    expect(issuesOf((s) => (s['stoplos'] = -0.1))[0]).toMatch(/stoplos/);
    expect(issuesOf((s) => (s['schemaVersion'] = 2))[0]).toMatch(/^schemaVersion: /);
  });
});

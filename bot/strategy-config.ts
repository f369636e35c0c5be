// Validates a strategy in the host's config exactly as domain/strategy.ts's zod schema does, without loading zod.
// The rule trees and cross-field checks are shared code (domain/strategy-checks.ts); host-config.test.ts compares the rest.
import {
  checkRule, INDICATOR_ID, INDICATOR_TYPES, MAX_PERIOD, MAX_STARTUP_CANDLES, MIN_PERIOD, SOURCES, strategyIssues, TIMEFRAMES,
  type StrategyIssue,
} from '../domain/strategy-checks.js';
import type { IndicatorSpec, Strategy } from '../domain/strategy.js';
import type { Checker } from './config-checker.js';

const STRATEGY_KEYS = [
  'schemaVersion', 'name', 'timeframe', 'startupCandles', 'indicators', 'entry', 'exit', 'minimalRoi', 'stoploss',
  'trailingStop', 'trailingStopPositive', 'trailingStopPositiveOffset', 'trailingOnlyOffsetIsReached', 'maxOpenTrades',
] as const;

const PERIOD_KEYS: Record<IndicatorSpec['type'], readonly string[]> = {
  sma: ['period'], ema: ['period'], rsi: ['period'], macd: ['fast', 'slow', 'signal'], bbands: ['period'],
};

function indicator(c: Checker, v: unknown, path: string): IndicatorSpec | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const type = c.oneOf(o['type'], `${path}.type`, INDICATOR_TYPES);
  if (!type) return undefined;
  const periodKeys = PERIOD_KEYS[type];
  c.strictKeys(o, path, ['id', 'type', 'source', ...periodKeys, ...(type === 'bbands' ? ['stdDev'] : [])]);
  const id = c.str(o['id'], `${path}.id`);
  if (id !== undefined && !INDICATOR_ID.test(id)) c.fail(`${path}.id`, 'must start with a letter and hold up to 32 letters, digits or _');
  const spec: Record<string, unknown> = {
    id,
    type,
    source: o['source'] === undefined ? 'close' : c.oneOf(o['source'], `${path}.source`, SOURCES),
  };
  for (const key of periodKeys) spec[key] = c.num(o[key], `${path}.${key}`, { int: true, min: MIN_PERIOD, max: MAX_PERIOD });
  if (type === 'bbands') spec['stdDev'] = o['stdDev'] === undefined ? 2 : c.num(o['stdDev'], `${path}.stdDev`, { positive: true, max: 10 });
  return spec as unknown as IndicatorSpec;
}

function rule(c: Checker, v: unknown, path: string) {
  const issues: StrategyIssue[] = [];
  const r = checkRule(v, [], issues);
  for (const i of issues) c.fail([path, ...i.path].join('.'), i.message);
  return r;
}

function roiTable(c: Checker, v: unknown, path: string): Record<string, number> | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(o)) {
    const n = c.num(value, `${path}.${key}`);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

/** Same acceptance and defaults as the domain's `Strategy` schema; issues read `path: rule`. */
export function checkStrategy(c: Checker, v: unknown, path: string): Strategy | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const before = c.issues.length;
  c.strictKeys(o, path, STRATEGY_KEYS);
  if (o['schemaVersion'] !== 1) c.fail(`${path}.schemaVersion`, 'must be 1');
  const name = c.str(o['name'], `${path}.name`)?.trim();
  if (name !== undefined && (name.length < 1 || name.length > 64)) c.fail(`${path}.name`, 'must hold 1 to 64 characters');
  const s: Record<keyof Strategy, unknown> = {
    schemaVersion: 1,
    name,
    timeframe: c.oneOf(o['timeframe'], `${path}.timeframe`, TIMEFRAMES),
    startupCandles: c.num(o['startupCandles'], `${path}.startupCandles`, { int: true, min: 0, max: MAX_STARTUP_CANDLES }),
    indicators: c.list(o['indicators'], `${path}.indicators`, 0, 20)?.map((x, i) => indicator(c, x, `${path}.indicators.${i}`)),
    entry: rule(c, o['entry'], `${path}.entry`),
    exit: rule(c, o['exit'], `${path}.exit`),
    minimalRoi: roiTable(c, o['minimalRoi'], `${path}.minimalRoi`),
    stoploss: c.num(o['stoploss'], `${path}.stoploss`, { min: -1, negative: true }),
    trailingStop: o['trailingStop'] === undefined ? false : c.bool(o['trailingStop'], `${path}.trailingStop`),
    trailingStopPositive: c.opt(o['trailingStopPositive'], (x) => c.num(x, `${path}.trailingStopPositive`, { positive: true, lt: 1 })),
    trailingStopPositiveOffset: c.opt(o['trailingStopPositiveOffset'], (x) => c.num(x, `${path}.trailingStopPositiveOffset`, { min: 0, lt: 10 })),
    trailingOnlyOffsetIsReached: c.opt(o['trailingOnlyOffsetIsReached'], (x) => c.bool(x, `${path}.trailingOnlyOffsetIsReached`)),
    maxOpenTrades: c.opt(o['maxOpenTrades'], (x) => c.num(x, `${path}.maxOpenTrades`, { int: true, min: 1, max: 1000 })),
  };
  if (c.issues.length > before) return undefined;
  const strategy = s as Strategy;
  for (const i of strategyIssues(strategy)) c.fail([path, ...i.path].join('.'), i.message);
  return c.issues.length > before ? undefined : strategy;
}

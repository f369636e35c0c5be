// Zod-free parts of declarative strategies: vocabularies, the entry/exit rule tree (its types and checker) and the cross-field checks.
// Why zod-free: the bot host validates strategies too, and zod costs every bot container about 10 MB (see bot/host-config.ts).

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];
export const TIMEFRAME_MINUTES: Record<Timeframe, number> = { '1m': 1, '5m': 5, '15m': 15, '1h': 60, '4h': 240, '1d': 1440 };

export const INDICATOR_TYPES = ['sma', 'ema', 'rsi', 'macd', 'bbands'] as const;
/** Candle values an indicator can be computed from. */
export const SOURCES = ['open', 'high', 'low', 'close', 'volume', 'hl2', 'hlc3', 'ohlc4'] as const;
export const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;
export const COMPARE_OPS = ['>', '<', '>=', '<=', 'crossesAbove', 'crossesBelow'] as const;
/** Outputs of the indicators that have more than one; single-output indicators take no `field`. */
export const INDICATOR_FIELDS = { macd: ['macd', 'signal', 'histogram'], bbands: ['upper', 'middle', 'lower'] } as const;
export type IndicatorField = (typeof INDICATOR_FIELDS)[keyof typeof INDICATOR_FIELDS][number];

export type Operand = { indicator: string; field?: IndicatorField } | { price: 'open' | 'high' | 'low' | 'close' } | { value: number };
export interface Comparison {
  left: Operand;
  op: '>' | '<' | '>=' | '<=' | 'crossesAbove' | 'crossesBelow';
  right: Operand;
}
/** A boolean tree over comparisons, evaluated on the last closed candle. */
export type Rule = { all: Rule[] } | { any: Rule[] } | Comparison;

// What the cross-field checks read, declared here: domain/strategy.ts builds its types from a zod schema that calls these
// checks, so importing them back would be a circle. Where the schema calls strategyIssues, tsc holds it to these shapes.
/** An indicator as the checks read it: its id, type and periods. */
export type CheckedIndicator =
  | { id: string; type: 'sma' | 'ema' | 'rsi' | 'bbands'; period: number }
  | { id: string; type: 'macd'; fast: number; slow: number; signal: number };
/** A strategy as the cross-field checks read it, once each field has passed its own check. */
export interface CheckedStrategy {
  startupCandles: number;
  indicators: CheckedIndicator[];
  entry: Rule;
  exit: Rule;
  minimalRoi: Record<string, number>;
  stoploss: number;
  trailingStop: boolean;
  trailingStopPositive?: number;
  trailingStopPositiveOffset?: number;
  trailingOnlyOffsetIsReached?: boolean;
}

export const INDICATOR_ID = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
export const MIN_PERIOD = 2;
export const MAX_PERIOD = 200;
/** Most candles a strategy may ask for at start-up: with the crossing candle and the forming one it fits one klines request (1000). */
export const MAX_STARTUP_CANDLES = 998;
/** Rules nest at most this deep and hold at most this many comparisons, so evaluation stays cheap and bounded. */
export const MAX_RULE_DEPTH = 6;
export const MAX_COMPARISONS = 50;

export type PathPart = string | number;
export interface StrategyIssue {
  path: PathPart[];
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = <T extends readonly string[]>(list: T, v: unknown): v is T[number] => typeof v === 'string' && (list as readonly string[]).includes(v);
const quoted = (list: readonly string[]): string => list.map((x) => `'${x}'`).join(', ');

/** Candles an indicator needs before its first value (TA-Lib's lookback + 1). */
export function warmupCandles(ind: CheckedIndicator): number {
  switch (ind.type) {
    case 'sma':
    case 'ema':
    case 'bbands':
      return ind.period;
    case 'rsi':
      return ind.period + 1;
    case 'macd':
      return ind.slow + ind.signal - 1;
  }
}

function operandIssue(v: unknown, path: PathPart[], issues: StrategyIssue[]): Operand | undefined {
  const fail = (message: string, at: PathPart[] = path): undefined => {
    issues.push({ path: at, message });
    return undefined;
  };
  if (!isObj(v)) return fail('an operand is {indicator, field?}, {price} or {value}');
  const kinds = ['indicator', 'price', 'value'].filter((k) => k in v);
  if (kinds.length !== 1) return fail('an operand has exactly one of indicator, price or value');
  const allowed = kinds[0] === 'indicator' ? ['indicator', 'field'] : kinds;
  const extra = Object.keys(v).find((k) => !allowed.includes(k));
  if (extra !== undefined) return fail(`unknown key '${extra}'`, [...path, extra]);
  if ('indicator' in v) {
    if (typeof v['indicator'] !== 'string') return fail('must be the id of an indicator', [...path, 'indicator']);
    if (v['field'] === undefined) return { indicator: v['indicator'] };
    const fields = [...INDICATOR_FIELDS.macd, ...INDICATOR_FIELDS.bbands];
    if (!has(fields, v['field'])) return fail(`must be one of ${quoted(fields)}`, [...path, 'field']);
    return { indicator: v['indicator'], field: v['field'] };
  }
  if ('price' in v) {
    if (!has(PRICE_FIELDS, v['price'])) return fail(`must be one of ${quoted(PRICE_FIELDS)}`, [...path, 'price']);
    return { price: v['price'] };
  }
  if (typeof v['value'] !== 'number' || !Number.isFinite(v['value'])) return fail('must be a finite number', [...path, 'value']);
  return { value: v['value'] };
}

/**
 * Checks an entry or exit rule's shape and returns a clean copy (or undefined with issues added).
 * A rule is `{all: [rule, ...]}`, `{any: [rule, ...]}` or a comparison `{left, op, right}`; unknown keys are errors,
 * because a misspelt key silently dropped would change what a strategy trades.
 */
export function checkRule(v: unknown, path: PathPart[], issues: StrategyIssue[], depth = 1): Rule | undefined {
  const fail = (message: string, at: PathPart[] = path): undefined => {
    issues.push({ path: at, message });
    return undefined;
  };
  if (!isObj(v)) return fail('a rule is {all: [...]}, {any: [...]} or {left, op, right}');
  if (depth > MAX_RULE_DEPTH) return fail(`rules nest at most ${MAX_RULE_DEPTH} deep`);
  const group = 'all' in v ? 'all' : 'any' in v ? 'any' : null;
  if (group) {
    const extra = Object.keys(v).find((k) => k !== group);
    if (extra !== undefined) return fail(`unknown key '${extra}' (a rule has one of all, any or left/op/right)`, [...path, extra]);
    const list = v[group];
    if (!Array.isArray(list) || list.length === 0) return fail('must be a non-empty array of rules', [...path, group]);
    const before = issues.length;
    const rules = list.map((r, i) => checkRule(r, [...path, group, i], issues, depth + 1));
    if (issues.length > before) return undefined;
    return group === 'all' ? { all: rules as Rule[] } : { any: rules as Rule[] };
  }
  if (!('left' in v) && !('op' in v) && !('right' in v)) return fail('a rule is {all: [...]}, {any: [...]} or {left, op, right}');
  const extra = Object.keys(v).find((k) => !['left', 'op', 'right'].includes(k));
  if (extra !== undefined) return fail(`unknown key '${extra}'`, [...path, extra]);
  const before = issues.length;
  const left = operandIssue(v['left'], [...path, 'left'], issues);
  if (!has(COMPARE_OPS, v['op'])) fail(`must be one of ${quoted(COMPARE_OPS)}`, [...path, 'op']);
  const right = operandIssue(v['right'], [...path, 'right'], issues);
  if (issues.length > before || !left || !right) return undefined;
  return { left, op: v['op'] as Comparison['op'], right };
}

function* comparisons(rule: Rule, path: PathPart[]): Generator<[Comparison, PathPart[]]> {
  if ('all' in rule) for (const [i, r] of rule.all.entries()) yield* comparisons(r, [...path, 'all', i]);
  else if ('any' in rule) for (const [i, r] of rule.any.entries()) yield* comparisons(r, [...path, 'any', i]);
  else yield [rule, path];
}

/** The checks that span fields: references between rules and indicators, warm-up, ROI keys, trailing-stop settings. */
export function strategyIssues(s: CheckedStrategy): StrategyIssue[] {
  const issues: StrategyIssue[] = [];
  const add = (path: PathPart[], message: string) => issues.push({ path, message });
  const byId = new Map<string, CheckedIndicator>();
  for (const [i, ind] of s.indicators.entries()) {
    if (byId.has(ind.id)) add(['indicators', i, 'id'], `duplicate indicator id '${ind.id}'`);
    byId.set(ind.id, ind);
    if (ind.type === 'macd' && ind.fast >= ind.slow) add(['indicators', i, 'fast'], `must be smaller than slow (${ind.slow})`);
    const warmup = warmupCandles(ind);
    if (warmup > s.startupCandles) {
      add(['startupCandles'], `is ${s.startupCandles}, but indicator '${ind.id}' needs ${warmup} candles before its first value`);
    }
  }
  for (const side of ['entry', 'exit'] as const) {
    let count = 0;
    for (const [cmp, path] of comparisons(s[side], [side])) {
      count += 1;
      for (const key of ['left', 'right'] as const) {
        const op = cmp[key];
        if (!('indicator' in op)) continue;
        const ind = byId.get(op.indicator);
        if (!ind) {
          add([...path, key, 'indicator'], `unknown indicator '${op.indicator}' (defined: ${[...byId.keys()].join(', ') || 'none'})`);
          continue;
        }
        const fields = ind.type === 'macd' || ind.type === 'bbands' ? (INDICATOR_FIELDS[ind.type] as readonly string[]) : null;
        if (fields && (op.field === undefined || !fields.includes(op.field))) {
          add([...path, key, 'field'], `indicator '${ind.id}' (${ind.type}) needs field ${quoted(fields)}`);
        } else if (!fields && op.field !== undefined) {
          add([...path, key, 'field'], `indicator '${ind.id}' (${ind.type}) has a single value: remove field`);
        }
      }
      if ('value' in cmp.left && 'value' in cmp.right) add(path, 'compares two constants: one side must be an indicator or a price');
    }
    if (count > MAX_COMPARISONS) add([side], `holds ${count} comparisons; at most ${MAX_COMPARISONS}`);
  }
  for (const key of Object.keys(s.minimalRoi)) {
    if (!/^\d{1,7}$/.test(key)) add(['minimalRoi', key], 'keys are whole minutes since the trade opened, like "0", "30", "60"');
  }
  if (s.trailingStop) {
    const positive = s.trailingStopPositive;
    const offset = s.trailingStopPositiveOffset ?? 0;
    if (s.trailingOnlyOffsetIsReached && offset <= 0) {
      add(['trailingStopPositiveOffset'], 'must be greater than 0 when trailingOnlyOffsetIsReached is set');
    }
    if (positive !== undefined && offset > 0 && offset <= positive) {
      add(['trailingStopPositiveOffset'], `must be greater than trailingStopPositive (${positive}), or 0`);
    }
    if (positive !== undefined && positive > -s.stoploss) {
      // The stop follows the high-water mark; a wider positive distance than the stoploss would make it depend on the path.
      add(['trailingStopPositive'], `must not be larger than the stoploss distance (${-s.stoploss})`);
    }
  }
  return issues;
}

/** Closed candles a strategy reads: its start-up candles plus the one before, for crossings. */
export const candlesNeeded = (s: Pick<CheckedStrategy, 'startupCandles'>): number => s.startupCandles + 1;

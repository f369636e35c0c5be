// A position guard's rules without zod: the types, the checks and the rule math the guard's workflow needs. Why: the
// workflow sandbox evaluates every module a workflow imports once per guard, and zod's schemas there cost each guard
// about half a megabyte and milliseconds of CPU (bench/guard-worker-profile.ts). domain/guard.ts keeps the zod schemas
// for the API; guard-rules.test.ts runs both over the same inputs so the two cannot drift apart.

/** Distance of the stop below the peak, activation and initial stop (see TrailInput in domain/guard.ts). */
export interface TrailInput {
  trailPct: number;
  activationPrice?: number | undefined;
  activationOffsetPct?: number | undefined;
  stoplossPct?: number | undefined;
}

export interface TakeProfitTargetInput {
  price?: number | undefined;
  pct?: number | undefined;
  fraction: number;
}

export interface TakeProfitInput {
  targets: TakeProfitTargetInput[];
  breakEvenAfterFirst: boolean;
}

/** The adjustable part of a guard: what an edit replaces. */
export interface GuardRules {
  trail?: TrailInput | undefined;
  takeProfit?: TakeProfitInput | undefined;
}

export type GuardTargetInput =
  | { kind: 'bot_trade'; botId: string; tradeId: number }
  | { kind: 'wallet'; exchangeAccountId: string; symbol: string; amount: number; entryPrice?: number | undefined };

export type CreateGuardInput = { target: GuardTargetInput } & GuardRules;

/** A rule problem, named by its field path (e.g. `takeProfit.targets.1.price`). */
export interface GuardRuleIssue {
  field: string;
  message: string;
}

export type Checked<T> = { success: true; data: T } | { success: false; issues: GuardRuleIssue[] };

type Obj = Record<string, unknown>;
const UUID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
const TRADE_ID = 'must be the id of an open trade of the bot';
const SYMBOL = /^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/;

/** Zod's name for what was received, for its "expected X, received Y" messages. */
function received(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? 'number' : String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && Object.getPrototypeOf(v) !== Object.prototype && 'constructor' in v && v.constructor) return (v.constructor as { name: string }).name;
  return typeof v;
}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects every issue in zod's order (fields in declaration order, checks in order) so the first one is zod's too. */
class Check {
  readonly issues: GuardRuleIssue[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push({ field: path, message });
    return undefined;
  }

  /** A finite number passing `rules` in order (each fails with its message, and all are checked like zod's). */
  num(v: unknown, path: string, typeMessage: string | undefined, rules: Array<[ok: (n: number) => boolean, message: string]> = []): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(path, typeMessage ?? `Invalid input: expected number, received ${received(v)}`);
    const before = this.issues.length;
    for (const [ok, message] of rules) if (!ok(v)) this.fail(path, message);
    return this.issues.length === before ? v : undefined;
  }

  obj(v: unknown, path: string): Obj | undefined {
    return isObj(v) ? v : this.fail(path, `Invalid input: expected object, received ${received(v)}`);
  }

  /** Optional field: absent (undefined) is fine and stays absent. */
  opt<T>(o: Obj, key: string, check: (v: unknown) => T | undefined): Partial<Record<string, T>> {
    if (o[key] === undefined) return key in o ? { [key]: undefined } : {};
    return { [key]: check(o[key]) };
  }
}

const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
const positive = (message: string): [(n: number) => boolean, string] => [(n) => n > 0, message];
const percent = (what: string): [string, Array<[(n: number) => boolean, string]>] => [
  `must be a percentage (${what})`,
  [[(n) => n > 0, 'must be above 0 %'], [(n) => n < 100, 'must be below 100 %']],
];

function trail(c: Check, v: unknown, path: string): TrailInput | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const [trailMessage, trailRules] = percent('distance of the stop below the peak');
  const [stopMessage, stopRules] = percent('initial stop below the entry');
  return {
    trailPct: c.num(o.trailPct, at(path, 'trailPct'), trailMessage, trailRules)!,
    ...c.opt(o, 'activationPrice', (x) => c.num(x, at(path, 'activationPrice'), undefined, [positive('must be above 0')])),
    ...c.opt(o, 'activationOffsetPct', (x) => c.num(x, at(path, 'activationOffsetPct'), undefined, [[(n) => n > 0, 'must be above 0 %'], [(n) => n < 1000, 'must be below 1000 %']])),
    ...c.opt(o, 'stoplossPct', (x) => c.num(x, at(path, 'stoplossPct'), stopMessage, stopRules)),
  };
}

function target(c: Check, v: unknown, path: string): TakeProfitTargetInput | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  return {
    ...c.opt(o, 'price', (x) => c.num(x, at(path, 'price'), undefined, [positive('must be above 0')])),
    ...c.opt(o, 'pct', (x) => c.num(x, at(path, 'pct'), undefined, [[(n) => n > 0, 'must be above 0 %'], [(n) => n < 10_000, 'must be below 10000 %']])),
    fraction: c.num(o.fraction, at(path, 'fraction'), 'must be a fraction of the position, above 0 and at most 1', [[(n) => n > 0, 'must be above 0'], [(n) => n <= 1, 'must be at most 1']])!,
  };
}

function takeProfit(c: Check, v: unknown, path: string): TakeProfitInput | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const list = o.targets;
  let targets: TakeProfitTargetInput[] | undefined;
  const tooMany = () => c.fail(at(path, 'targets'), 'allows at most 10 targets');
  const tooFew = () => c.fail(at(path, 'targets'), 'needs at least one target');
  if (Array.isArray(list)) {
    // Zod refuses an over-long list before it looks at the items.
    if (list.length > 10) tooMany();
    else targets = list.map((t, i) => target(c, t, at(path, `targets.${i}`))!);
    if (list.length < 1) tooFew();
  } else {
    c.fail(at(path, 'targets'), `Invalid input: expected array, received ${received(list)}`);
    // ...and checks the length of anything else that has one.
    const length = (list as { length?: unknown } | null | undefined)?.length;
    if (typeof length === 'number' && length < 1) tooFew();
    if (typeof length === 'number' && length > 10) tooMany();
  }
  const flag = o.breakEvenAfterFirst === undefined ? false : o.breakEvenAfterFirst;
  if (typeof flag !== 'boolean') c.fail(at(path, 'breakEvenAfterFirst'), `Invalid input: expected boolean, received ${received(flag)}`);
  return { targets: targets!, breakEvenAfterFirst: flag as boolean };
}

function rules(c: Check, v: unknown, path: string): GuardRules | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  return { ...c.opt(o, 'trail', (x) => trail(c, x, at(path, 'trail'))), ...c.opt(o, 'takeProfit', (x) => takeProfit(c, x, at(path, 'takeProfit'))) };
}

function guardTarget(c: Check, v: unknown, path: string): GuardTargetInput | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const uuid = (x: unknown, key: string, message: string) => (typeof x === 'string' && UUID.test(x) ? x : c.fail(at(path, key), message));
  if (o.kind === 'bot_trade') {
    return {
      kind: 'bot_trade',
      botId: uuid(o.botId, 'botId', 'must be the id of one of your bots')!,
      tradeId: c.num(o.tradeId, at(path, 'tradeId'), TRADE_ID, [[(n) => Number.isSafeInteger(n), TRADE_ID], positive(TRADE_ID)])!,
    };
  }
  if (o.kind === 'wallet') {
    return {
      kind: 'wallet',
      exchangeAccountId: uuid(o.exchangeAccountId, 'exchangeAccountId', 'must be the id of one of your exchange accounts')!,
      symbol: (typeof o.symbol !== 'string'
        ? c.fail(at(path, 'symbol'), `Invalid input: expected string, received ${received(o.symbol)}`)
        : SYMBOL.test(o.symbol) ? o.symbol : c.fail(at(path, 'symbol'), 'must be a pair like BTC/USDT'))!,
      amount: c.num(o.amount, at(path, 'amount'), 'must be the amount of the base asset to protect', [positive('must be above 0')])!,
      ...c.opt(o, 'entryPrice', (x) => c.num(x, at(path, 'entryPrice'), undefined, [positive('must be above 0')])),
    };
  }
  return c.fail(at(path, 'kind'), "Invalid discriminator value. Expected 'bot_trade' | 'wallet'");
}

const result = <T>(c: Check, data: T | undefined): Checked<T> => (c.issues.length ? { success: false, issues: c.issues } : { success: true, data: data! });

/** Checks an edit's rules as GuardRules in domain/guard.ts does: unknown keys dropped, breakEvenAfterFirst defaulted. */
export function checkGuardRules(input: unknown): Checked<GuardRules> {
  const c = new Check();
  return result(c, rules(c, input, ''));
}

/** Checks a new guard's spec as CreateGuardInput in domain/guard.ts does. */
export function checkCreateGuardInput(input: unknown): Checked<CreateGuardInput> {
  const c = new Check();
  const o = c.obj(input, '');
  const spec = o && { target: guardTarget(c, o.target, 'target')!, ...rules(c, o, '') };
  if (!o) c.obj(input, ''); // zod's intersection reports the wrong type once per side
  return result(c, spec);
}

/** Checks across fields, given the entry price: the first problem, or null. Field checks come first (checkGuardRules). */
export function guardRuleIssue(rules: GuardRules, entryPrice: number): GuardRuleIssue | null {
  if (!rules.trail && !rules.takeProfit) return { field: 'trail', message: 'a guard needs a trailing stop, take-profit targets, or both' };
  const trail = rules.trail;
  if (trail) {
    if (trail.activationPrice !== undefined && trail.activationOffsetPct !== undefined) {
      return { field: 'trail.activationPrice', message: 'give an activation price or an activation offset, not both' };
    }
    if (trail.stoplossPct !== undefined && trail.stoplossPct < trail.trailPct) {
      return { field: 'trail.stoplossPct', message: 'must be at least the trail % (FreqTrade: trailing_stop_positive <= |stoploss|)' };
    }
  }
  const targets = rules.takeProfit?.targets ?? [];
  let previous = entryPrice;
  let sold = 0;
  for (const [i, t] of targets.entries()) {
    if ((t.price === undefined) === (t.pct === undefined)) return { field: `takeProfit.targets.${i}.price`, message: 'give either a price or a % gain' };
    const price = targetPrice(t, entryPrice);
    if (price <= previous) {
      return {
        field: `takeProfit.targets.${i}.${t.price === undefined ? 'pct' : 'price'}`,
        message: i === 0 ? `must be above the entry price ${entryPrice}` : 'targets must rise: each above the one before',
      };
    }
    previous = price;
    sold += t.fraction;
    if (sold > 1 + 1e-9) return { field: `takeProfit.targets.${i}.fraction`, message: 'the fractions add up to more than the whole position' };
  }
  return null;
}

export function targetPrice(t: TakeProfitTargetInput, entryPrice: number): number {
  return t.price ?? entryPrice * (1 + (t.pct ?? 0) / 100);
}

// FreqTrade's /api/v1 routes for one bot: which need auth, how query parameters validate, and what each returns.
import { login, refresh } from './auth.js';
import { HttpError } from './http-error.js';
import type { BotRuntime } from './bot-state.js';
import { BOT_VERSION, health, showConfig, sysinfo, whitelist } from './freqtrade-compat.js';
import { FREQUI_ROUTES } from './frequi-routes.js';
import { availablePairs } from './frequi-routes.js';
import { locksJson } from './pair-locks.js';
import { forceEnterJson, tradeStatusJson, tradeToJson } from './trade-json.js';
import { groupedPerformance, type LedgerTrade } from './trade-ledger.js';
import { computeProfit, timeunitProfit, tradeStats, type TimeUnit } from './trade-stats.js';
import { computeBalances, walletFigures } from './wallet.js';

export { HttpError } from './http-error.js';

export interface RouteContext {
  bot: BotRuntime;
  authorization: string | undefined;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
  now: Date;
}

export type Method = 'GET' | 'HEAD' | 'POST' | 'DELETE';

export interface Route {
  method: Method;
  /** Path below /api/v1; `{name}` segments are parameters. */
  path: string;
  /** 'public' routes skip FreqTrade's http_basic_or_jwt_token dependency; token routes do their own auth. */
  auth: 'public' | 'required';
  /** POST routes whose handler validates a JSON body. */
  readsBody?: boolean;
  handle(ctx: RouteContext): unknown;
}

/** FastAPI's 422 body for one invalid parameter. */
function invalid(loc: [string, string], type: string, msg: string, input: unknown, extra: object = {}): HttpError {
  return new HttpError(422, [{ type, loc, msg, input, ...extra }]);
}

/** An integer query/path parameter validated like FastAPI's `int = Query(default, ge=min)`. */
function intParam(raw: string | null | undefined, loc: [string, string], fallback: number | null, min?: number): number | null {
  if (raw === null || raw === undefined) return fallback;
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
    throw invalid(loc, 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer', raw);
  }
  const value = Number(raw);
  if (min !== undefined && value < min) {
    throw invalid(loc, 'greater_than_equal', `Input should be greater than or equal to ${min}`, raw, { ctx: { ge: min } });
  }
  return value;
}

/** A boolean query parameter the way pydantic reads one ("true", "1", "yes", "on", ...). */
function boolParam(raw: string | null, loc: [string, string], fallback: boolean): boolean {
  if (raw === null) return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 't', 'yes', 'y', 'on'].includes(v)) return true;
  if (['0', 'false', 'f', 'no', 'n', 'off'].includes(v)) return false;
  throw invalid(loc, 'bool_parsing', 'Input should be a valid boolean, unable to interpret input', raw);
}

/** The JSON body must be an object holding `field`; otherwise FastAPI's "missing" 422. */
function requireBodyField(body: unknown, field: string): unknown {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (value === undefined) throw new HttpError(422, [{ type: 'missing', loc: ['body', field], msg: 'Field required', input: body ?? null }]);
  return value;
}

async function profitOf(bot: BotRuntime, now: Date) {
  const figures = walletFigures(bot.ledger, await bot.wallets(), bot.config.stakeCurrency);
  return computeProfit(bot.ledger.all(), {
    startingBalance: figures.startingBalance,
    currentBalance: figures.totalStakeAmount,
    botStart: bot.botStart,
    now,
  });
}

async function timeunit(ctx: RouteContext, unit: TimeUnit, fallback: number) {
  const timescale = intParam(ctx.query.get('timescale'), ['query', 'timescale'], fallback, 1) as number;
  const { bot } = ctx;
  const total = walletFigures(bot.ledger, await bot.wallets(), bot.config.stakeCurrency).totalStakeAmount;
  return {
    data: timeunitProfit(bot.ledger.all(), timescale, unit, total, ctx.now),
    fiat_display_currency: '',
    stake_currency: bot.config.stakeCurrency,
  };
}

function performanceBy(ctx: RouteContext, field: string, keyOf: (t: LedgerTrade) => string) {
  const pair = ctx.query.get('pair');
  const trades = ctx.bot.ledger.all().filter((t) => pair === null || t.pair === pair);
  return groupedPerformance(trades, keyOf).map((g) => ({
    [field]: g.key,
    profit_ratio: g.profitRatio,
    profit_pct: Math.round(g.profitRatio * 10000) / 100,
    profit_abs: g.profitAbs,
    count: g.count,
  }));
}

function trades(ctx: RouteContext) {
  const limit = intParam(ctx.query.get('limit'), ['query', 'limit'], 500, 1) as number;
  const offset = intParam(ctx.query.get('offset'), ['query', 'offset'], 0, 0) as number;
  const byId = boolParam(ctx.query.get('order_by_id'), ['query', 'order_by_id'], true);
  const closed = ctx.bot.ledger.closed();
  const sorted = byId
    ? [...closed].sort((a, b) => a.id - b.id)
    : [...closed].sort((a, b) => (b.closeDate?.getTime() ?? 0) - (a.closeDate?.getTime() ?? 0));
  const page = sorted.slice(offset, offset + limit).map(tradeToJson);
  return { trades: page, trades_count: page.length, offset, total_trades: closed.length };
}

/** An optional number in a JSON body, as pydantic's lax `Optional[float]` reads it: numbers, numeric strings, booleans. */
function optionalNumber(body: unknown, field: string): number | undefined {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
    const msg = 'Input should be a valid number, unable to parse string as a number';
    throw new HttpError(422, [{ type: 'float_parsing', loc: ['body', field], msg, input: value }]);
  }
  throw new HttpError(422, [{ type: 'float_type', loc: ['body', field], msg: 'Input should be a valid number', input: value }]);
}

/** FreqTrade's OrderTypeValues enum for an optional `ordertype`. */
function optionalOrderType(body: unknown): 'limit' | 'market' | undefined {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['ordertype'] : undefined;
  if (value === undefined || value === null) return undefined;
  if (value === 'limit' || value === 'market') return value;
  const error = { type: 'enum', loc: ['body', 'ordertype'], msg: "Input should be 'limit' or 'market'", input: value, ctx: { expected: "'limit' or 'market'" } };
  throw new HttpError(422, [error]);
}

function optionalString(body: unknown, field: string): string | undefined {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  return value === undefined || value === null ? undefined : String(value);
}

/** POST /forceenter (ForceEnterPayload): answers with the new trade (TradeSchema, which keeps profit_fiat and is_short). */
async function forceEnter(ctx: RouteContext) {
  const pair = requireBodyField(ctx.body, 'pair');
  if (typeof pair !== 'string') throw new HttpError(422, [{ type: 'string_type', loc: ['body', 'pair'], msg: 'Input should be a valid string', input: pair }]);
  const trade = await ctx.bot.forceEnter(pair, {
    side: optionalString(ctx.body, 'side'),
    price: optionalNumber(ctx.body, 'price'),
    stakeAmount: optionalNumber(ctx.body, 'stakeamount'),
    tag: optionalString(ctx.body, 'entry_tag'),
  });
  return forceEnterJson(trade);
}

/**
 * POST /forceexit (ForceExitPayload): a trade id or "all", market exit; with `amount`, a partial exit of that much.
 * tradefleet bots always sell at market, so a valid `ordertype` changes nothing.
 */
function forceExit(ctx: RouteContext) {
  const tradeId = String(requireBodyField(ctx.body, 'tradeid'));
  optionalOrderType(ctx.body);
  return ctx.bot.forceExit(tradeId, optionalNumber(ctx.body, 'amount'));
}

const auth = (method: Method, path: string, handle: Route['handle'], readsBody = false): Route => ({
  method, path, auth: 'required', handle, readsBody,
});

/** FreqUI's routes (frequi-routes.ts) by "METHOD /path", so the list below keeps FreqTrade's registration order. */
function frequi(...keys: string[]): Route[] {
  return keys.map((key) => {
    const route = FREQUI_ROUTES.find((r) => `${r.method} ${r.path}` === key);
    if (!route) throw new Error(`no FreqUI route ${key}`);
    return auth(route.method, route.path, route.handle, route.readsBody ?? false);
  });
}

const tokenError = (r: { detail: string; challenge: string | null }) =>
  new HttpError(401, r.detail, r.challenge ? { 'WWW-Authenticate': r.challenge } : {});

/** In FreqTrade's registration order, which decides the Allow header of a 405. */
export const ROUTES: Route[] = [
  { method: 'GET', path: '/ping', auth: 'public', handle: () => ({ status: 'pong' }) },
  { method: 'HEAD', path: '/ping', auth: 'public', handle: () => ({ status: 'pong' }) },
  {
    method: 'POST', path: '/token/login', auth: 'public',
    handle: ({ bot, authorization, now }) => {
      const r = login(authorization, bot.config.api, now.getTime());
      if (!r.ok) throw tokenError(r);
      return r.tokens;
    },
  },
  {
    method: 'POST', path: '/token/refresh', auth: 'public',
    handle: ({ bot, authorization, now }) => {
      const r = refresh(authorization, bot.config.api, now.getTime());
      if (!r.ok) throw tokenError(r);
      return r.tokens;
    },
  },
  auth('GET', '/version', () => ({ version: BOT_VERSION })),
  auth('GET', '/show_config', ({ bot }) => showConfig(bot)),
  ...frequi('GET /plot_config', 'GET /strategy/{strategy}'),
  auth('GET', '/logs', ({ bot, query }) => {
    const logs = bot.logs.last(intParam(query.get('limit'), ['query', 'limit'], null) ?? undefined);
    return { log_count: logs.length, logs };
  }),
  auth('GET', '/health', ({ bot }) => health(bot)),
  auth('GET', '/sysinfo', () => sysinfo()),
  auth('GET', '/balance', async ({ bot }) =>
    computeBalances(bot.ledger, await bot.wallets(), bot.config.stakeCurrency, bot.config.dryRun)),
  auth('GET', '/count', ({ bot }) => bot.count()),
  auth('GET', '/entries', (ctx) => performanceBy(ctx, 'enter_tag', (t) => t.enterTag ?? 'Other')),
  auth('GET', '/exits', (ctx) => performanceBy(ctx, 'exit_reason', (t) => t.exitReason ?? 'Other')),
  auth('GET', '/mix_tags', (ctx) =>
    performanceBy(ctx, 'mix_tag', (t) => `${t.enterTag ?? 'Other'} ${t.exitReason ?? 'Other'}`)),
  auth('GET', '/performance', ({ bot }) =>
    groupedPerformance(bot.ledger.all(), (t) => t.pair).map((g) => ({
      pair: g.key,
      profit_ratio: g.profitRatio,
      profit: Math.round(g.profitRatio * 10000) / 100,
      profit_pct: Math.round(g.profitRatio * 10000) / 100,
      profit_abs: g.profitAbs,
      count: g.count,
    }))),
  auth('GET', '/profit', ({ bot, now }) => profitOf(bot, now)),
  auth('GET', '/profit_all', async ({ bot, now }) => ({ all: await profitOf(bot, now), long: null, short: null })),
  auth('GET', '/stats', ({ bot }) => tradeStats(bot.ledger.all())),
  auth('GET', '/daily', (ctx) => timeunit(ctx, 'days', 7)),
  auth('GET', '/weekly', (ctx) => timeunit(ctx, 'weeks', 4)),
  auth('GET', '/monthly', (ctx) => timeunit(ctx, 'months', 3)),
  auth('GET', '/status', ({ bot }) => bot.ledger.open().map(tradeStatusJson)),
  auth('GET', '/trades', trades),
  auth('GET', '/trade/{tradeid}', ({ bot, params }) => {
    const id = intParam(params['tradeid'], ['path', 'tradeid'], 0) as number;
    const trade = bot.ledger.byId(id);
    if (!trade) throw new HttpError(404, 'Trade not found.');
    return tradeStatusJson(trade);
  }),
  ...['/forceenter', '/forcebuy'].map((path) => auth('POST', path, forceEnter, true)),
  ...['/forceexit', '/forcesell'].map((path) => auth('POST', path, forceExit, true)),
  auth('GET', '/blacklist', async ({ bot }) => bot.blacklist.answer(await availablePairs(bot))),
  ...frequi('POST /blacklist', 'DELETE /blacklist'),
  auth('GET', '/whitelist', ({ bot }) => whitelist(bot)),
  auth('GET', '/locks', ({ bot, now }) => locksJson(bot.locks.active(now.getTime()))),
  ...frequi('DELETE /locks/{lockid}', 'POST /locks/delete', 'POST /locks'),
  auth('POST', '/start', ({ bot }) => bot.start()),
  auth('POST', '/stop', ({ bot }) => bot.stop()),
  ...['/pause', '/stopentry', '/stopbuy'].map((path) => auth('POST', path, ({ bot }) => bot.pause())),
  auth('POST', '/reload_config', ({ bot }) => bot.reloadConfig()),
  ...frequi('GET /pair_candles', 'POST /pair_candles'),
  ...frequi('GET /strategies', 'GET /available_pairs', 'GET /pair_history', 'POST /pair_history'),
];

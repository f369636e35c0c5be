// The /api/v1 routes FreqUI's trade views use beyond the status ones: candles with the strategy's indicators, its
// plot_config, the strategy itself, the blacklist, pair locks and FreqTrade's webserver-only routes (503 in trade mode).
import type { RouteContext } from './api-routes.js';
import { HttpError } from './http-error.js';
import type { BotRuntime } from './bot-state.js';
import { isTimeframe, pairCandlesJson, plotConfig, strategyJson, type AnalysedCandles } from './candles-json.js';
import { locksJson } from './pair-locks.js';

type Loc = [string, string];
const field = (body: unknown, key: string): unknown => (body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined);
const missing = (loc: Loc, input: unknown) => new HttpError(422, [{ type: 'missing', loc, msg: 'Field required', input }]);
const notString = (loc: Loc, input: unknown) => new HttpError(422, [{ type: 'string_type', loc, msg: 'Input should be a valid string', input }]);

function requiredString(value: unknown, loc: Loc, input: unknown): string {
  if (value === undefined || value === null) throw missing(loc, input);
  if (typeof value !== 'string') throw notString(loc, value);
  return value;
}

function optionalInt(value: unknown, loc: Loc): number | null {
  if (value === undefined || value === null) return null;
  const n = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new HttpError(422, [{ type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: value }]);
  }
  return n;
}

function stringList(value: unknown, loc: Loc): string[] {
  if (!Array.isArray(value)) throw new HttpError(422, [{ type: 'list_type', loc, msg: 'Input should be a valid list', input: value }]);
  return value.map((v, i) => {
    if (typeof v !== 'string') throw notString([...loc, String(i)] as unknown as Loc, v);
    return v;
  });
}

async function candles(bot: BotRuntime, pair: string, timeframe: string, limit: number | null, columns: string[] | null) {
  const data: AnalysedCandles = await analysed(bot, pair, timeframe, limit);
  return pairCandlesJson(bot.strategy, pair, timeframe, data, columns);
}

/** The candles /pair_candles analyses: the last closed ones of any pair and timeframe the exchange serves. */
async function analysed(bot: BotRuntime, pair: string, timeframe: string, limit: number | null): Promise<AnalysedCandles> {
  const lastAnalyzed = bot.lastProcess ?? new Date(bot.clock());
  if (!bot.trader || !isTimeframe(timeframe)) return { candles: [], lastAnalyzed };
  return { candles: await bot.trader.candlesFor(pair, timeframe, limit), lastAnalyzed };
}

/** The exchange's pairs once its markets are loaded, else the configured ones: what a blacklist wildcard expands over. */
export async function availablePairs(bot: BotRuntime): Promise<string[]> {
  const trader = bot.trader;
  const symbols = trader ? await trader.marketFor(bot.config.pairs[0] ?? '').then(() => trader.symbols(), () => []) : [];
  return symbols.length ? symbols : [...bot.config.pairs];
}

async function editBlacklist(bot: BotRuntime, change: { add?: string[]; remove?: string[] }) {
  const errors = change.add ? bot.blacklist.add(change.add) : change.remove ? bot.blacklist.remove(change.remove) : {};
  const pairs = change.add ?? change.remove ?? [];
  if (pairs.length) {
    bot.note(`Blacklist ${change.add ? 'added' : 'removed'}: ${pairs.join(', ')}`);
    bot.changed();
  }
  return bot.blacklist.answer(await availablePairs(bot), errors);
}

/** POST /locks: a list of LocksPayload ({pair, side = "*", until (a datetime with its zone), reason}). */
function addLocks(ctx: RouteContext) {
  const { bot, body } = ctx;
  if (!Array.isArray(body)) throw new HttpError(422, [{ type: 'list_type', loc: ['body'], msg: 'Input should be a valid list', input: body ?? null }]);
  const locks = body.map((item, i) => {
    const at = (k: string): Loc => ['body', `${i}.${k}`];
    const pair = requiredString(field(item, 'pair'), at('pair'), item);
    const until = requiredString(field(item, 'until'), at('until'), item);
    const date = /(Z|[+-]\d{2}:?\d{2})$/i.test(until.trim()) ? new Date(until) : null;
    if (!date || Number.isNaN(date.getTime())) {
      throw new HttpError(422, [{ type: 'timezone_aware', loc: at('until'), msg: 'Input should have timezone info', input: until }]);
    }
    const side = field(item, 'side') ?? '*';
    if (typeof side !== 'string') throw notString(at('side'), side);
    const reason = field(item, 'reason');
    if (reason !== undefined && reason !== null && typeof reason !== 'string') throw notString(at('reason'), reason);
    return { pair, until: date, side, reason: (reason as string | null | undefined) ?? null };
  });
  for (const l of locks) {
    bot.locks.lock(l.pair, bot.clock(), l.until.getTime(), l.reason ?? '', l.side);
    bot.note(`Locking ${l.pair} until ${l.until.toISOString()}${l.reason ? ` (${l.reason})` : ''}.`);
  }
  if (locks.length) bot.changed();
  return locksJson(bot.locks.active(ctx.now.getTime()));
}

function deleteLocks(ctx: RouteContext, match: { id?: number; pair?: string }) {
  if (ctx.bot.locks.remove(match)) ctx.bot.changed();
  return locksJson(ctx.bot.locks.active(ctx.now.getTime()));
}

const webserverOnly = () => {
  throw new HttpError(503, 'Bot is not in the correct state.');
};

export interface FrequiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  readsBody?: boolean;
  handle(ctx: RouteContext): unknown;
}

/** In FreqTrade's registration order (api_v1, api_trading, then the webserver-mode routers). */
export const FREQUI_ROUTES: FrequiRoute[] = [
  {
    method: 'GET', path: '/plot_config',
    handle: ({ bot, query }) => {
      const name = query.get('strategy');
      if (name && name !== bot.strategy.name) throw new HttpError(502, `Impossible to load Strategy '${name}'. This class does not exist or contains Python code errors.`);
      return plotConfig(bot.strategy);
    },
  },
  {
    method: 'GET', path: '/strategy/{strategy}',
    handle: ({ bot, params }) => {
      if (params['strategy'] !== bot.strategy.name) throw new HttpError(404, 'Only the currently active strategy is available in trade mode');
      return strategyJson(bot.strategy);
    },
  },
  {
    method: 'POST', path: '/blacklist', readsBody: true,
    handle: ({ bot, body }) => {
      const list = field(body, 'blacklist');
      if (list === undefined) throw missing(['body', 'blacklist'], body ?? null);
      return editBlacklist(bot, { add: stringList(list, ['body', 'blacklist']) });
    },
  },
  { method: 'DELETE', path: '/blacklist', handle: ({ bot, query }) => editBlacklist(bot, { remove: query.getAll('pairs_to_delete') }) },
  {
    method: 'DELETE', path: '/locks/{lockid}',
    handle: (ctx) => {
      const id = optionalInt(ctx.params['lockid'], ['path', 'lockid']);
      return deleteLocks(ctx, { id: id ?? undefined });
    },
  },
  {
    method: 'POST', path: '/locks/delete', readsBody: true,
    handle: (ctx) => {
      const pair = field(ctx.body, 'pair');
      if (pair !== undefined && pair !== null && typeof pair !== 'string') throw notString(['body', 'pair'], pair);
      const id = optionalInt(field(ctx.body, 'lockid'), ['body', 'lockid']);
      return deleteLocks(ctx, { id: id ?? undefined, pair: (pair as string | null | undefined) ?? undefined });
    },
  },
  { method: 'POST', path: '/locks', readsBody: true, handle: addLocks },
  {
    method: 'GET', path: '/pair_candles',
    handle: ({ bot, query }) => {
      const pair = requiredString(query.get('pair'), ['query', 'pair'], null);
      const timeframe = requiredString(query.get('timeframe'), ['query', 'timeframe'], null);
      return candles(bot, pair, timeframe, optionalInt(query.get('limit'), ['query', 'limit']), null);
    },
  },
  {
    method: 'POST', path: '/pair_candles', readsBody: true,
    handle: ({ bot, body }) => {
      const pair = requiredString(field(body, 'pair'), ['body', 'pair'], body ?? null);
      const timeframe = requiredString(field(body, 'timeframe'), ['body', 'timeframe'], body ?? null);
      const cols = field(body, 'columns');
      const columns = cols === undefined || cols === null ? null : stringList(cols, ['body', 'columns']);
      return candles(bot, pair, timeframe, optionalInt(field(body, 'limit'), ['body', 'limit']), columns);
    },
  },
  // Served by FreqTrade only in webserver mode (`freqtrade webserver`); a trading bot answers 503.
  { method: 'GET', path: '/strategies', handle: webserverOnly },
  { method: 'GET', path: '/available_pairs', handle: webserverOnly },
  { method: 'GET', path: '/pair_history', handle: webserverOnly },
  { method: 'POST', path: '/pair_history', readsBody: true, handle: webserverOnly },
];

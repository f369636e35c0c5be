// FreqUI's views of one bot and its controls (chart, closed trades, profit by period, performance, locks, log, pair
// lists, pausing entries), read and sent through the bot's own FreqTrade REST API: the same for every engine.
import { z } from 'zod';
import type { Bot } from '../domain/bot.js';
import type { BotChart, LogLines, PairLists, PairLocksView, PairPerformance, ProfitPeriods, TradesPage } from '../domain/bot-views.js';
import { TIMEFRAME_MINUTES, TIMEFRAMES, type Timeframe } from '../domain/strategy-checks.js';

const isTimeframe = (tf: string): tf is Timeframe => (TIMEFRAMES as readonly string[]).includes(tf);
import { botSecrets } from '../db/bot-secrets.js';
import { maskSecrets } from './bot-log-stream.js';
import { asBadGateway, asRefusal, botApiOf, type BotTradingDeps } from './bot-trading.js';
import { HttpError } from './errors.js';

const num = z.number().nullish();
const PairCandles = z.looseObject({ strategy: z.string(), columns: z.array(z.string()), data: z.array(z.array(z.unknown())) });
const PlotLine = z.looseObject({ color: z.string().optional(), type: z.string().optional() });
const PlotConfig = z.looseObject({
  main_plot: z.record(z.string(), PlotLine).optional(),
  subplots: z.record(z.string(), z.record(z.string(), PlotLine)).optional(),
});
const Trade = z.looseObject({
  trade_id: z.number(), pair: z.string(), amount: z.number(), stake_amount: z.number(), open_rate: z.number(), close_rate: num,
  open_date: z.string(), close_date: z.string().nullish(), open_timestamp: z.number(), close_timestamp: num,
  profit_abs: num, profit_ratio: num, close_profit_abs: num, close_profit: num, enter_tag: z.string().nullish(), exit_reason: z.string().nullish(),
});
const Trades = z.looseObject({ trades: z.array(Trade), total_trades: z.number() });
const TimeUnit = z.looseObject({
  stake_currency: z.string(),
  data: z.array(z.looseObject({ date: z.string(), abs_profit: z.number(), rel_profit: z.number(), trade_count: z.number() })),
});
const Performance = z.array(z.looseObject({ pair: z.string(), profit_abs: z.number(), profit_ratio: z.number(), count: z.number() }));
const Locks = z.looseObject({
  locks: z.array(z.looseObject({ id: z.number(), pair: z.string(), lock_end_timestamp: z.number(), reason: z.string().nullish(), side: z.string() })),
});
const Logs = z.looseObject({ logs: z.array(z.tuple([z.string(), z.number(), z.string(), z.string(), z.string()]).rest(z.unknown())) });
const Blacklist = z.looseObject({ blacklist: z.array(z.string()), errors: z.record(z.string(), z.looseObject({ error_msg: z.string() })) });
const Whitelist = z.looseObject({ whitelist: z.array(z.string()) });
const Config = z.looseObject({ state: z.string(), timeframe: z.string().nullish() });

const COLOURS = ['#2962ff', '#ff6d00', '#00897b', '#d81b60', '#8e24aa', '#6d4c41'];
const q = (params: Record<string, string | number | boolean>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

/** The chart from /pair_candles, /plot_config and the bot's trades: candles, the plotted indicator lines, entry/exit markers. */
function chartOf(pair: string, timeframe: Timeframe, candles: z.infer<typeof PairCandles>, plot: z.infer<typeof PlotConfig>, trades: z.infer<typeof Trade>[], strategyTimeframe: string | null): BotChart {
  const col = (name: string) => candles.columns.indexOf(name);
  const [iDate, iTs] = [col('date'), col('__date_ts')];
  const timeOf = (row: unknown[]) => (iTs >= 0 ? Number(row[iTs]) : Date.parse(String(row[iDate])));
  const n = (row: unknown[], name: string) => Number(row[col(name)]);
  const rows = candles.data.filter((r) => Number.isFinite(timeOf(r)));
  const lines = [
    ...Object.entries(plot.main_plot ?? {}).map(([column, line]) => ({ column, panel: 'main', line })),
    ...Object.entries(plot.subplots ?? {}).flatMap(([panel, cols]) => Object.entries(cols).map(([column, line]) => ({ column, panel, line }))),
  ].filter((l) => col(l.column) >= 0);
  const tfMs = TIMEFRAME_MINUTES[timeframe] * 60_000;
  const first = rows.length ? timeOf(rows[0]!) : Infinity;
  const onCandle = (ts: number) => Math.floor(ts / tfMs) * tfMs;
  const markers = trades
    .filter((t) => t.pair === pair)
    .flatMap((t) => [
      { time: onCandle(t.open_timestamp), kind: 'entry' as const, price: t.open_rate, tradeId: t.trade_id, text: `#${t.trade_id} ${t.enter_tag ?? 'entry'}` },
      ...(t.close_timestamp && t.close_rate ? [{ time: onCandle(t.close_timestamp), kind: 'exit' as const, price: t.close_rate, tradeId: t.trade_id, text: `#${t.trade_id} ${t.exit_reason ?? 'exit'}` }] : []),
    ])
    .filter((m) => m.time >= first)
    .sort((a, b) => a.time - b.time);
  return {
    pair, timeframe, strategy: candles.strategy, strategyTimeframe,
    candles: rows.map((r) => ({ time: timeOf(r), open: n(r, 'open'), high: n(r, 'high'), low: n(r, 'low'), close: n(r, 'close'), volume: n(r, 'volume') })),
    series: lines.map((l, i) => ({
      column: l.column, panel: l.panel, color: l.line.color ?? COLOURS[i % COLOURS.length]!, kind: l.line.type === 'bar' ? 'bar' as const : 'line' as const,
      points: rows.map((r): [number, number | null] => {
        const v = r[col(l.column)];
        return [timeOf(r), typeof v === 'number' && Number.isFinite(v) ? v : null];
      }),
    })),
    markers,
  };
}

export type BotViews = ReturnType<typeof createBotViews>;

export function createBotViews(deps: BotTradingDeps) {
  const api = (bot: Bot) => botApiOf(deps, bot);
  const get = <T extends z.ZodType>(client: Awaited<ReturnType<typeof api>>, route: string, schema: T): Promise<z.infer<T>> =>
    client.get(route).then((v) => schema.parse(v), asBadGateway);

  /** Reads the bot's latest lines, its secrets masked; the secrets are looked up once per reader (a live stream's). */
  async function logReader(bot: Bot): Promise<(limit: number) => Promise<LogLines>> {
    const secrets = await botSecrets(deps, bot);
    return async (limit) => {
      const answer = await get(await api(bot), `logs?${q({ limit })}`, Logs);
      return maskSecrets(answer.logs.map(([, time, logger, level, message]) => ({ time, level, logger, message })), secrets);
    };
  }

  async function pairLists(bot: Bot): Promise<PairLists> {
    const client = await api(bot);
    const [white, black, config] = await Promise.all([get(client, 'whitelist', Whitelist), get(client, 'blacklist', Blacklist), get(client, 'show_config', Config)]);
    return { whitelist: white.whitelist, blacklist: black.blacklist, configured: bot.pairs, state: config.state };
  }

  return {
    /** Without a timeframe, the strategy's own (the one its indicators and signals are computed on). */
    async chart(bot: Bot, input: { pair: string; timeframe?: Timeframe | undefined; limit: number }): Promise<BotChart> {
      const client = await api(bot);
      const config = await get(client, 'show_config', Config);
      const own = config.timeframe && isTimeframe(config.timeframe) ? config.timeframe : null;
      const timeframe = input.timeframe ?? own ?? '5m';
      const [candles, plot, closed, open] = await Promise.all([
        get(client, `pair_candles?${q({ pair: input.pair, timeframe, limit: input.limit })}`, PairCandles),
        get(client, 'plot_config', PlotConfig),
        get(client, `trades?${q({ limit: 500, order_by_id: false })}`, Trades),
        get(client, 'status', z.array(Trade)),
      ]);
      return chartOf(input.pair, timeframe, candles, plot, [...closed.trades, ...open], own);
    },

    /** Closed trades, newest first. */
    async trades(bot: Bot, page: { limit: number; offset: number }): Promise<TradesPage> {
      const client = await api(bot);
      const answer = await get(client, `trades?${q({ limit: page.limit, offset: page.offset, order_by_id: false })}`, Trades);
      return {
        total: answer.total_trades, offset: page.offset, limit: page.limit,
        trades: answer.trades.map((t) => ({
          tradeId: t.trade_id, pair: t.pair, amount: t.amount, stakeAmount: t.stake_amount, openRate: t.open_rate, closeRate: t.close_rate ?? null,
          openDate: t.open_date, closeDate: t.close_date ?? null, profitAbs: t.close_profit_abs ?? t.profit_abs ?? null,
          profitRatio: t.close_profit ?? t.profit_ratio ?? null, enterTag: t.enter_tag ?? null, exitReason: t.exit_reason ?? null,
        })),
      };
    },

    async periods(bot: Bot, input: { unit: 'daily' | 'weekly' | 'monthly'; count: number }): Promise<ProfitPeriods> {
      const answer = await get(await api(bot), `${input.unit}?${q({ timescale: input.count })}`, TimeUnit);
      return {
        unit: input.unit, stakeCurrency: answer.stake_currency,
        periods: answer.data.map((d) => ({ date: d.date, profitAbs: d.abs_profit, profitRatio: d.rel_profit, tradeCount: d.trade_count })),
      };
    },

    async performance(bot: Bot): Promise<PairPerformance> {
      const rows = await get(await api(bot), 'performance', Performance);
      return rows.map((r) => ({ pair: r.pair, profitAbs: r.profit_abs, profitRatio: r.profit_ratio, count: r.count }));
    },

    async locks(bot: Bot): Promise<PairLocksView> {
      return locksOf(await get(await api(bot), 'locks', Locks));
    },

    /** Ends one lock; the pair can be entered again at once. */
    async unlock(bot: Bot, lockId: number): Promise<PairLocksView> {
      const client = await api(bot);
      const before = await get(client, 'locks', Locks);
      if (!before.locks.some((l) => l.id === lockId)) throw new HttpError(404, 'not_found', `lock ${lockId} not found (it may have ended)`);
      return locksOf(Locks.parse(await client.delete(`locks/${lockId}`).catch(asRefusal('unlock'))));
    },

    /** The latest `limit` lines, oldest first, with the bot's secrets masked. */
    async logs(bot: Bot, limit: number): Promise<LogLines> {
      return (await logReader(bot))(limit);
    },

    logReader,

    pairLists,

    /** Blacklists (`add`) or un-blacklists (`remove`) pairs; a pair the bot refuses is a 400 naming it. */
    async editBlacklist(bot: Bot, change: { add: string[]; remove: string[] }): Promise<PairLists> {
      const client = await api(bot);
      if (change.add.length) {
        const answer = Blacklist.parse(await client.post('blacklist', { blacklist: change.add }).catch(asRefusal('blacklist change')));
        const refused = change.add.filter((p) => answer.errors[p] && !answer.blacklist.includes(p));
        if (refused.length) throw new HttpError(400, 'invalid_input', `add: ${answer.errors[refused[0]!]!.error_msg}`, 'add');
      }
      if (change.remove.length) {
        const params = new URLSearchParams(change.remove.map((p): [string, string] => ['pairs_to_delete', p]));
        await client.delete(`blacklist?${params.toString()}`).catch(asRefusal('blacklist change'));
      }
      return pairLists(bot);
    },

    /** FreqTrade's stopbuy (`pause`) and start (`resume`): a paused bot manages its open trades but enters no new one. */
    async entries(bot: Bot, action: 'pause' | 'resume'): Promise<PairLists> {
      await (await api(bot)).post(action === 'pause' ? 'stopbuy' : 'start').catch(asRefusal(action));
      return pairLists(bot);
    },
  };
}

const locksOf = (answer: z.infer<typeof Locks>): PairLocksView =>
  answer.locks.map((l) => ({ id: l.id, pair: l.pair, until: new Date(l.lock_end_timestamp).toISOString(), reason: l.reason ?? null, side: l.side }));

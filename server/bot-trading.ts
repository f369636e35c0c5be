// What a bot trades right now (open trades, profit, balance) and a forced exit, read and sent through the bot's own
// FreqTrade REST API with the one client every engine shares; nothing here knows which engine runs the bot.
import { z } from 'zod';
import type { Bot } from '../domain/bot.js';
import type { BotChannelSettings } from '../domain/bot-channel.js';
import type { BotTradingView, ForceEnterInput, ForceExitOutcome } from '../domain/bot-trading.js';
import { findBotWithSecret } from '../db/bots.js';
import { sql, type Db } from '../db/pool.js';
import { botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { BotApiError, botClient, type FreqtradeClient, type FreqtradeCredentials } from '../activities/freqtrade-client.js';
import { HttpError } from './errors.js';

export interface BotTradingDeps {
  db: Db;
  box: SecretBox;
  /** How the platform reaches bot APIs (their sockets; TCP for local-process bots). */
  botChannel: BotChannelSettings;
}

const OpenTrade = z.looseObject({
  trade_id: z.number(),
  pair: z.string(),
  amount: z.number(),
  stake_amount: z.number(),
  open_rate: z.number(),
  open_date: z.string(),
  current_rate: z.number().nullish(),
  profit_abs: z.number().nullish(),
  profit_ratio: z.number().nullish(),
});
const Profit = z.looseObject({
  profit_closed_coin: z.number(),
  profit_all_coin: z.number(),
  trade_count: z.number(),
  closed_trade_count: z.number(),
  winning_trades: z.number().optional(),
  losing_trades: z.number().optional(),
});
const Balance = z.looseObject({ total: z.number(), stake: z.string(), currencies: z.array(z.looseObject({ currency: z.string(), free: z.number(), used: z.number(), balance: z.number() })) });

const Health = z.looseObject({ last_process_ts: z.number().nullish() });
const Limits = z.looseObject({ max_open_trades: z.number() });
const TradeNow = z.looseObject({
  trade_id: z.number(), pair: z.string(), is_open: z.boolean(), close_rate: z.number().nullish(), profit_abs: z.number().nullish(), profit_ratio: z.number().nullish(),
});
/** How long a forced exit waits for its order to fill before it answers that the trade is still closing. */
const EXIT_FILL_WAIT_MS = 5_000;

/** How long a force-entry waits for a starting bot's first trading loop before it answers 409. */
export const FIRST_LOOP_WAIT_MS = 20_000;

export type BotTrading = ReturnType<typeof createBotTrading>;

/** The bot's REST client with its own credentials; only a running bot has an API to reach. */
export async function botApiOf(deps: BotTradingDeps, bot: Bot): Promise<FreqtradeClient> {
  if (bot.status !== 'running') throw new HttpError(409, 'conflict', `the bot is ${bot.status}; its trades can be read while it runs`);
  const row = await findBotWithSecret(deps.db, bot.id);
  if (!row) throw new HttpError(404, 'not_found', 'bot not found');
  const credentials = JSON.parse(deps.box.open(row.apiCredentials, botCredentialsPlace(row.id))) as FreqtradeCredentials;
  return botClient(row, deps.botChannel, credentials, 5000);
}

/** A bot API failure is the bot's problem, not ours: 502 with the bot's own error text (which never holds a secret). */
export const asBadGateway = (error: unknown): never => {
  if (error instanceof BotApiError) throw new HttpError(502, 'bot_unavailable', error.message);
  throw error;
};

/** A refusal by the bot (a 4xx answer) is a 409 saying why; anything else a 502. */
export const asRefusal = (what: string) => (error: unknown): never => {
  if (error instanceof BotApiError && error.status !== null && error.status < 500) {
    throw new HttpError(409, 'conflict', `the bot refused the ${what}: ${error.message}`);
  }
  return asBadGateway(error);
};

export function createBotTrading(deps: BotTradingDeps) {
  const clientOf = (bot: Bot) => botApiOf(deps, bot);

  return {
    async view(bot: Bot): Promise<BotTradingView> {
      const client = await clientOf(bot);
      const [status, profit, balance] = await Promise.all([client.get('status'), client.get('profit'), client.get('balance')]).catch(asBadGateway);
      const p = Profit.parse(profit);
      const b = Balance.parse(balance);
      return {
        openTrades: z.array(OpenTrade).parse(status).map((t) => ({
          tradeId: t.trade_id, pair: t.pair, amount: t.amount, stakeAmount: t.stake_amount, openRate: t.open_rate, openDate: t.open_date,
          currentRate: t.current_rate ?? null, profitAbs: t.profit_abs ?? null, profitRatio: t.profit_ratio ?? null,
        })),
        profit: { closedProfit: p.profit_closed_coin, allProfit: p.profit_all_coin, tradeCount: p.trade_count, closedTradeCount: p.closed_trade_count },
        balance: { total: b.total, currency: b.stake, currencies: b.currencies.map((c) => ({ currency: c.currency, free: c.free, used: c.used, balance: c.balance })) },
      };
    },

    /**
     * A market entry the user asked for, opened at most once: it waits for the bot's first trading loop (a bot's own
     * first entry is saved only at that loop's end, and FreqTrade checks open positions outside that loop's lock), then
     * refuses a pair that is already open or a bot at its max_open_trades. A per-bot advisory lock serializes
     * concurrent requests across server processes.
     */
    async forceEnter(bot: Bot, input: ForceEnterInput): Promise<void> {
      const client = await clientOf(bot);
      await deps.db.transaction(async (tx) => {
        await tx.query(sql.type(z.object({}).loose())`select pg_advisory_xact_lock(hashtext(${`forceenter:${bot.id}`}))`);
        const deadline = Date.now() + FIRST_LOOP_WAIT_MS;
        while (!Health.parse(await client.get('health').catch(asBadGateway)).last_process_ts) {
          if (Date.now() > deadline) {
            throw new HttpError(409, 'bot_starting', 'the bot has not finished its first trading loop yet; try again in a few seconds');
          }
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        const [status, config] = await Promise.all([client.get('status'), client.get('show_config')]).catch(asBadGateway);
        const open = z.array(OpenTrade).parse(status);
        const same = open.find((t) => t.pair === input.pair);
        if (same) throw new HttpError(409, 'conflict', `${input.pair} already has an open trade (#${same.trade_id}); exit it first`, 'pair');
        const max = Limits.parse(config).max_open_trades;
        if (max >= 0 && open.length >= max) {
          throw new HttpError(409, 'conflict', `the bot already has ${open.length} open trade(s), its max_open_trades; exit one first`);
        }
        const body = {
          pair: input.pair,
          ...(input.stakeAmount === undefined ? {} : { stakeamount: input.stakeAmount }),
          ...(input.price === undefined ? {} : { price: input.price, ordertype: 'limit' }),
        };
        await client.post('forceenter', body).catch(asRefusal('entry'));
      });
    },

    /** Exits a trade at market and answers with the price and profit it closed at (or that it is still closing). */
    async forceExit(bot: Bot, tradeId: number): Promise<ForceExitOutcome> {
      const client = await clientOf(bot);
      await client.post('forceexit', { tradeid: String(tradeId) }).catch(asRefusal('exit'));
      const deadline = Date.now() + EXIT_FILL_WAIT_MS;
      for (;;) {
        const t = TradeNow.parse(await client.get(`trade/${tradeId}`).catch(asBadGateway));
        if (!t.is_open || Date.now() > deadline) {
          return {
            tradeId, pair: t.pair, closed: !t.is_open, closeRate: t.is_open ? null : (t.close_rate ?? null),
            profitAbs: t.is_open ? null : (t.profit_abs ?? null), profitRatio: t.is_open ? null : (t.profit_ratio ?? null),
          };
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    },
  };
}

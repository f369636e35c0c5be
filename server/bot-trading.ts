// What a bot trades right now (open trades, profit, balance) and a forced exit, read and sent through the bot's own
// FreqTrade REST API with the one client every engine shares; nothing here knows which engine runs the bot.
import { z } from 'zod';
import { botApiUrl, type Bot } from '../domain/bot.js';
import type { BotTradingView } from '../domain/bot-trading.js';
import { findBotWithSecret } from '../db/bots.js';
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';
import { BotApiError, createFreqtradeClient, type FreqtradeCredentials } from '../activities/freqtrade-client.js';
import { HttpError } from './errors.js';

export interface BotTradingDeps {
  db: Db;
  box: SecretBox;
  /** Host the platform reaches bot APIs on. */
  botApiHost: string;
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

export type BotTrading = ReturnType<typeof createBotTrading>;

export function createBotTrading(deps: BotTradingDeps) {
  async function clientOf(bot: Bot) {
    if (bot.status !== 'running') throw new HttpError(409, 'conflict', `the bot is ${bot.status}; its trades can be read while it runs`);
    const row = await findBotWithSecret(deps.db, bot.id);
    if (!row) throw new HttpError(404, 'not_found', 'bot not found');
    const credentials = JSON.parse(deps.box.open(row.apiCredentials)) as FreqtradeCredentials;
    return createFreqtradeClient(botApiUrl(row, deps.botApiHost), credentials, 5000);
  }

  /** A bot API failure is the bot's problem, not ours: 502 with the bot's own error text (which never holds a secret). */
  const asBadGateway = (error: unknown): never => {
    if (error instanceof BotApiError) throw new HttpError(502, 'bot_unavailable', error.message);
    throw error;
  };

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

    async forceExit(bot: Bot, tradeId: number): Promise<void> {
      const client = await clientOf(bot);
      await client.post('forceexit', { tradeid: String(tradeId) }).catch((error: unknown) => {
        if (error instanceof BotApiError && error.status !== null && error.status < 500) {
          throw new HttpError(409, 'conflict', `the bot refused the exit: ${error.message}`);
        }
        return asBadGateway(error);
      });
    },
  };
}

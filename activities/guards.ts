// Activities of position guards: resolving what a guard protects (the user's bot trade or wallet holding) into its
// row, saving what the guard's workflow decided, and exits that happen exactly once however often they are retried.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { InsufficientFunds, type Exchange } from 'ccxt';
import { z } from 'zod';
import { findBotWithSecret } from '../db/bots.js';
import { findExchangeAccountWithSecret } from '../db/exchange-accounts.js';
import * as guards from '../db/guards.js';
import type { Db } from '../db/pool.js';
import { botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { assertSameOwner, confirmedOwner } from './owner-check.js';
import { createGuardAccountClients } from './guard-accounts.js';
import type { BotChannelSettings } from '../domain/bot-channel.js';
import { CreateGuardInput, GuardRules, guardRuleIssue, type Guard, type GuardEvent } from '../domain/guard.js';
import { fieldError } from '../domain/field-error.js';
import { exchangeFailure } from './exchange-errors.js';
import { recordGuardExit } from '../telemetry/worker-metrics.js';
import type { Notifier } from '../telemetry/notify.js';
import { botClient as botApiClient, type FreqtradeClient, type FreqtradeCredentials } from './freqtrade-client.js';

export interface GuardActivityDeps {
  db: Db;
  box: SecretBox;
  botChannel: BotChannelSettings;
  paperExchangeUrl: string;
  /** This worker's task queue: the guard's watcher runs there. */
  taskQueue: string;
  /** Tells the guard's owner about each exit. */
  notifier?: Notifier;
}

export interface ExitRequest {
  guardId: string;
  /** The workflow's step number: with the guard id it names the exit (client order id, event row). */
  step: number;
  amount: number;
  /** Amount of the position before this exit: a retried partial bot exit finds it already done by the amount left. */
  remainingBefore: number;
  reason: 'trailing_stop' | 'take_profit' | 'stoploss';
  /** The decision to exit, saved by this activity before it sells (the row shows `exiting`, at this peak). */
  exiting?: { peak: number };
}

export interface ExitResult {
  /** Amount actually sold (0 when the position had closed already). */
  amount: number;
  price: number | null;
  orderId: string | null;
  /** The position was gone before this exit: closed by the bot, sold by hand. */
  alreadyClosed: boolean;
}

const TradeJson = z.looseObject({
  trade_id: z.number(), pair: z.string(), is_open: z.boolean(), amount: z.number(), open_rate: z.number(),
  current_rate: z.number().nullish(), close_rate: z.number().nullish(),
});

/** An amount at the market's precision; 0 when it rounds to nothing (ccxt throws for that). */
function precise(client: Exchange, symbol: string, amount: number): number {
  try {
    return Number(client.amountToPrecision(symbol, amount));
  } catch {
    return 0;
  }
}

/** Binance allows 36 characters of [.A-Z:/a-z0-9_-]: the guard's hash and the step keep it unique and stable. */
export const guardClientOrderId = (guardId: string, step: number): string =>
  `tfg-${createHash('sha256').update(guardId).digest('hex').slice(0, 20)}-${step}`;

export function createGuardActivities(deps: GuardActivityDeps) {
  const { db, box } = deps;

  async function botClient(botId: string): Promise<{ client: FreqtradeClient; exchange: string; userId: string; status: string }> {
    const bot = await findBotWithSecret(db, botId);
    if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} no longer exists`, 'GuardTargetGone');
    const credentials = JSON.parse(box.open(bot.apiCredentials, botCredentialsPlace(bot.id))) as FreqtradeCredentials;
    const client = botApiClient(bot, deps.botChannel, credentials, 5000);
    return { client, exchange: bot.exchange, userId: bot.userId, status: bot.status };
  }

  const { accountClient } = createGuardAccountClients(deps);

  async function readTrade(client: FreqtradeClient, tradeId: number) {
    return TradeJson.parse(await client.get(`trade/${tradeId}`));
  }

  async function sellOnAccount(req: ExitRequest, guard: Guard): Promise<ExitResult> {
    const { client, secrets, userId } = await accountClient((guard.target as { exchangeAccountId: string }).exchangeAccountId);
    assertSameOwner(`the exchange account of guard ${guard.id}`, guard.userId, userId);
    const clientOrderId = guardClientOrderId(req.guardId, req.step);
    try {
      // A retried attempt may follow an order the exchange took but whose answer was lost: find it before placing again.
      if (Context.current().info.attempt > 1) {
        const existing = await client.fetchOrder('', guard.symbol, { origClientOrderId: clientOrderId }).catch(() => null);
        if (existing) return { amount: Number(existing.filled ?? existing.amount ?? 0), price: existing.average ?? existing.price ?? null, orderId: existing.id ?? null, alreadyClosed: false };
      }
      const sell = async (amount: number) => {
        const order = await client.createOrder(guard.symbol, 'market', 'sell', amount, undefined, { newClientOrderId: clientOrderId });
        return { amount: Number(order.filled ?? amount), price: order.average ?? order.price ?? null, orderId: order.id ?? null, alreadyClosed: false };
      };
      // Sell what the guard protects; when the exchange says less is held now (sold by hand), read the balance and sell
      // that. Not read before every exit: an account read weighs 20 against an order's 1 in the exchange's per-minute
      // request weight, and 10 exits a second would spend Binance's whole allowance on reads and be refused (429).
      const wanted = precise(client, guard.symbol, req.amount);
      try {
        if (!(wanted > 0)) throw new InsufficientFunds('nothing to sell at the market\'s precision');
        return await sell(wanted);
      } catch (error) {
        if (!(error instanceof InsufficientFunds)) throw error;
        // Less is left than the guard protects (sold by hand meanwhile): sell what there is, if anything.
        const free = Number((await client.fetchBalance())[guard.symbol.split('/')[0]!]?.free ?? 0);
        const amount = free > 0 ? Number(client.amountToPrecision(guard.symbol, Math.min(req.amount, free))) : 0;
        if (!(amount > 0)) return { amount: 0, price: null, orderId: null, alreadyClosed: true };
        return await sell(amount);
      }
    } catch (error) {
      throw exchangeFailure(error, client, secrets);
    }
  }

  async function exitBotTrade(req: ExitRequest, guard: Guard): Promise<ExitResult> {
    const target = guard.target as { botId: string; tradeId: number };
    const { client, userId } = await botClient(target.botId);
    assertSameOwner(`the bot of guard ${guard.id}`, guard.userId, userId);
    const before = await readTrade(client, target.tradeId);
    if (!before.is_open) return { amount: 0, price: before.close_rate ?? null, orderId: null, alreadyClosed: true };
    const whole = req.amount >= before.amount - 1e-12;
    // Exactly once: a partial exit is done when the trade holds less than before it (an earlier attempt sold it).
    if (!whole && before.amount <= req.remainingBefore - req.amount + 1e-9) {
      return { amount: req.amount, price: before.current_rate ?? null, orderId: null, alreadyClosed: false };
    }
    await client.post('forceexit', whole ? { tradeid: String(target.tradeId) } : { tradeid: String(target.tradeId), amount: req.amount });
    // forceexit places the order; the trade shows the fill a moment later.
    for (let i = 0; i < 50; i++) {
      const after = await readTrade(client, target.tradeId);
      if (whole ? !after.is_open : after.amount < before.amount - 1e-12) {
        return { amount: whole ? before.amount : before.amount - after.amount, price: after.close_rate ?? after.current_rate ?? null, orderId: null, alreadyClosed: false };
      }
      Context.current().heartbeat();
      await new Promise((r) => setTimeout(r, 200));
    }
    throw ApplicationFailure.retryable(`the bot took the exit of trade ${target.tradeId} but has not filled it yet`, 'ExitPending');
  }

  return {
    /**
     * Checks a new guard against what it protects (the caller's own bot trade or account, the market's price) and saves
     * it. Idempotent by guard id. Bad input fails with a field error (domain/field-error.ts).
     */
    async createGuardRecord(input: { guardId: string; userId: string; spec: unknown }): Promise<Guard> {
      const parsed = CreateGuardInput.safeParse(input.spec);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw fieldError(issue.path.join('.') || 'guard', issue.message);
      }
      const spec = parsed.data;
      const rules = GuardRules.parse({ trail: spec.trail, takeProfit: spec.takeProfit });
      const existing = await guards.findGuard(db, input.guardId);
      if (existing) {
        assertSameOwner(`guard ${existing.id}`, input.userId, existing.userId);
        return existing;
      }
      await confirmedOwner(db, 'guard', input.guardId, input.userId);
      let row: guards.NewGuard;
      if (spec.target.kind === 'bot_trade') {
        const bot = await findBotWithSecret(db, spec.target.botId);
        if (!bot || bot.userId !== input.userId) throw fieldError('target.botId', 'no such bot');
        if (bot.status !== 'running') throw fieldError('target.botId', `the bot is ${bot.status}; guards protect trades of running bots`);
        const { client } = await botClient(bot.id);
        const trade = await readTrade(client, spec.target.tradeId).catch(() => null);
        if (!trade?.is_open) throw fieldError('target.tradeId', 'the bot has no open trade with this id');
        row = {
          id: input.guardId, userId: input.userId, kind: 'bot_trade', botId: bot.id, tradeId: trade.trade_id, exchangeAccountId: null,
          exchangeId: bot.exchange, symbol: trade.pair, entryPrice: trade.open_rate, amount: trade.amount, rules,
          price: trade.current_rate ?? trade.open_rate, taskQueue: deps.taskQueue,
        };
      } else {
        const account = await findExchangeAccountWithSecret(db, spec.target.exchangeAccountId);
        if (!account || account.userId !== input.userId) throw fieldError('target.exchangeAccountId', 'no such exchange account');
        const { client, secrets } = await accountClient(account.id);
        let bid: number;
        let held: { total: number; free: number };
        const base = spec.target.symbol.split('/')[0]!;
        try {
          if (!client.markets?.[spec.target.symbol]) throw fieldError('target.symbol', `${account.exchangeId} does not list ${spec.target.symbol}`);
          const [ticker, balance] = await Promise.all([client.fetchTicker(spec.target.symbol), client.fetchBalance()]);
          bid = ticker.bid ?? ticker.last ?? NaN;
          held = { total: Number(balance[base]?.total ?? 0), free: Number(balance[base]?.free ?? 0) };
        } catch (error) {
          if (error instanceof ApplicationFailure) throw error;
          throw exchangeFailure(error, client, secrets);
        }
        if (!(bid > 0)) throw fieldError('target.symbol', `no price for ${spec.target.symbol} on ${account.exchangeId}`);
        // A guard can only sell what the account holds: a larger amount would never be exited as promised.
        if (spec.target.amount > held.total) {
          throw fieldError('target.amount', `is more than ${account.label} holds: ${held.total} ${base}${held.free < held.total ? ` (${held.free} free)` : ''}`);
        }
        row = {
          id: input.guardId, userId: input.userId, kind: 'wallet', botId: null, tradeId: null, exchangeAccountId: account.id,
          exchangeId: account.exchangeId, symbol: spec.target.symbol, entryPrice: spec.target.entryPrice ?? bid,
          amount: spec.target.amount, rules, price: bid, taskQueue: deps.taskQueue,
        };
      }
      const issue = guardRuleIssue(rules, row.entryPrice);
      if (issue) throw fieldError(issue.field, issue.message);
      try {
        return await guards.insertGuard(db, row);
      } catch (error) {
        if (error instanceof guards.GuardTargetTakenError) throw fieldError('target.tradeId', error.message);
        throw error;
      }
    },

    async loadGuard(guardId: string): Promise<Guard | null> {
      return guards.findGuard(db, guardId);
    },

    async saveGuardDecision(input: { guardId: string } & guards.GuardDecision): Promise<void> {
      await guards.saveGuardDecision(db, input.guardId, input);
    },

    /** A step's event and the decision after it, in one write (an exit's outcome). */
    async recordGuardStep(input: { guardId: string; event: Omit<GuardEvent, 'at'>; decision: guards.GuardDecision }): Promise<void> {
      await guards.recordGuardStep(db, input.guardId, input.event, input.decision);
    },

    async recordGuardEvent(input: { guardId: string } & Omit<GuardEvent, 'at'>): Promise<void> {
      const { guardId, ...event } = input;
      await guards.recordGuardEvent(db, guardId, event);
    },

    /** Sells `amount` of the guarded position: a market sell with the step's client order id, or the bot's /forceexit. */
    async executeGuardExit(req: ExitRequest): Promise<ExitResult> {
      const guard = await guards.findGuard(db, req.guardId);
      if (!guard) throw ApplicationFailure.nonRetryable(`guard ${req.guardId} no longer exists`, 'GuardTargetGone');
      if (req.exiting) await guards.markGuardExiting(db, req.guardId, req.exiting.peak);
      const result = await (guard.target.kind === 'wallet' ? sellOnAccount(req, guard) : exitBotTrade(req, guard));
      if (!result.alreadyClosed) {
        recordGuardExit(req.guardId, req.reason, guard.target.kind);
        // Once per exit step, however often this activity is retried.
        await deps.notifier?.notify({
          userId: guard.userId, kind: 'guard_exit', severity: 'info', sourceKey: `guard-exit:${req.guardId}:${req.step}`,
          title: `Guard exit (${req.reason.replace('_', ' ')}): sold ${result.amount} ${guard.symbol}${result.price === null ? '' : ` at ${result.price}`}`,
          body: result.orderId ? `order ${result.orderId}` : '', botId: guard.target.kind === 'bot_trade' ? guard.target.botId : null,
        });
      }
      return result;
    },
  };
}

export type GuardActivities = ReturnType<typeof createGuardActivities>;

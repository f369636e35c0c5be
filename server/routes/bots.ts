// /api/bots: list, create, read, start, stop, change pairs, delete — reads from PostgreSQL, commands through the bot's
// workflow.
import { Router } from 'express';
import { z } from 'zod';
import { CreateBotInput, pairsOutsideStake } from '../../domain/bot.js';
import { BotPairsInput } from '../../domain/bot-pairs.js';
import { ForceEnterInput } from '../../domain/bot-trading.js';
import { MoveBotInput } from '../../domain/bot-move.js';
import { botWorkflowId } from '../../domain/workflow-ids.js';
import * as bots from '../../db/bots.js';
import { findExchangeAccountForUser } from '../../db/exchange-accounts.js';
import { findStrategyVersionForUser } from '../../db/strategies.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import type { BotCommands } from '../bot-commands.js';
import type { BotTrading } from '../bot-trading.js';
import { createBotInputError } from '../bot-input-check.js';
import { HttpError, notFound } from '../errors.js';
import type { Quotas } from '../quotas.js';
import { requireScope } from '../auth/scopes.js';
import { workflowLinker } from '../workflow-links.js';

export const ForceExitInput = z.object({ tradeId: z.number().int().positive('must be a trade id') }).strict();

export interface BotsRouterDeps {
  db: Db;
  commands: BotCommands;
  botTrading: BotTrading;
  temporalUiUrl: string;
  namespace: string;
  quotas: Quotas;
  /** Where the paper exchange serves (PAPER_EXCHANGE_URL): a rejected input's pairs are checked against its markets. */
  paperExchangeUrl: string;
}

export function botsRouter({ db, commands, botTrading, temporalUiUrl, namespace, quotas, paperExchangeUrl }: BotsRouterDeps): Router {
  const link = workflowLinker(temporalUiUrl, namespace);
  const router = Router();

  const ownBot = async (userId: string, botId: string) => {
    const bot = await bots.findBotForUser(db, userId, botId);
    if (!bot) throw notFound('bot');
    return bot;
  };

  router.get('/', requireScope('read'), async (req, res) => {
    res.json({ bots: await bots.listBotsForUser(db, currentUser(req).id) });
  });

  router.post('/', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    const parsed = CreateBotInput.safeParse(req.body);
    if (!parsed.success) throw await createBotInputError(parsed.error, req.body, db, user.id, paperExchangeUrl);
    const spec = parsed.data;
    // Checked here too (the workflow checks again) so a wrong id is a 400 naming the field, before any workflow starts.
    if (spec.strategyVersionId) {
      const strategy = await findStrategyVersionForUser(db, user.id, spec.strategyVersionId);
      if (!strategy || strategy.engine !== spec.engine) {
        throw new HttpError(400, 'invalid_input', `strategyVersionId: no ${spec.engine} strategy with this id`, 'strategyVersionId');
      }
    }
    if (spec.exchangeAccountId && !(await findExchangeAccountForUser(db, user.id, spec.exchangeAccountId))) {
      throw new HttpError(400, 'invalid_input', 'exchangeAccountId: no such exchange account', 'exchangeAccountId');
    }
    const key = req.header('idempotency-key')?.slice(0, 200);
    await quotas.checkNewBot(user.id, spec.engine);
    const bot = await commands.create(user.id, spec, key);
    res.status(201).json({ bot });
  });

  router.get('/:id', requireScope('read'), async (req, res) => {
    const bot = await ownBot(currentUser(req).id, req.params.id!);
    const workflowId = botWorkflowId(bot.id);
    const runId = await commands.runIdOf(bot.id);
    // A pooled bot on its way up may be waiting in the pool's placement queue: say where.
    const waiting = bot.placement === 'pool' && (bot.status === 'provisioning' || bot.status === 'starting');
    const queuePosition = waiting ? await commands.queuePosition(bot.id, bot.engine) : null;
    res.json({ bot, workflow: { ...link(workflowId, runId), runId }, placement: { queuePosition } });
  });

  router.post('/:id/start', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    await ownBot(user.id, req.params.id!);
    await commands.start(req.params.id!);
    res.json({ bot: await ownBot(user.id, req.params.id!) });
  });

  router.post('/:id/stop', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    await ownBot(user.id, req.params.id!);
    await commands.stop(req.params.id!);
    res.json({ bot: await ownBot(user.id, req.params.id!) });
  });

  /** Open trades, profit and balance, read from the bot's own REST API. */
  router.get('/:id/trading', requireScope('read'), async (req, res) => {
    const bot = await ownBot(currentUser(req).id, req.params.id!);
    res.json({ trading: await botTrading.view(bot) });
  });

  /** Opens a trade now (at most one per pair, within max_open_trades); answers with the trading view after it. */
  router.post('/:id/forceenter', requireScope('trade'), async (req, res) => {
    const bot = await ownBot(currentUser(req).id, req.params.id!);
    const input = ForceEnterInput.parse(req.body);
    if (!bot.pairs.includes(input.pair)) throw new HttpError(400, 'invalid_input', `pair: ${input.pair} is not one of this bot's pairs`, 'pair');
    await botTrading.forceEnter(bot, input);
    res.json({ trading: await botTrading.view(bot) });
  });

  router.post('/:id/forceexit', requireScope('trade'), async (req, res) => {
    const bot = await ownBot(currentUser(req).id, req.params.id!);
    const { tradeId } = ForceExitInput.parse(req.body);
    const exit = await botTrading.forceExit(bot, tradeId);
    res.json({ exit, trading: await botTrading.view(bot) });
  });

  /** Moves the bot to another strategy version and/or FreqTrade release; answers after the move or its rollback. */
  router.post('/:id/move', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    const bot = await ownBot(user.id, req.params.id!);
    const move = MoveBotInput.parse(req.body);
    if (move.strategyVersionId) {
      const strategy = await findStrategyVersionForUser(db, user.id, move.strategyVersionId);
      if (!strategy || strategy.engine !== bot.engine) {
        throw new HttpError(400, 'invalid_input', `strategyVersionId: no ${bot.engine} strategy with this id`, 'strategyVersionId');
      }
    }
    const result = await commands.move(bot.id, req.body);
    res.json({ move: result, bot: await ownBot(user.id, bot.id) });
  });

  /**
   * Sets the pairs the bot trades (its whitelist) through its workflow: a running bot takes them live (answered once its
   * own /whitelist shows them), a stopped one at its next start. Open trades on a pair left out are still managed.
   */
  router.put('/:id/pairs', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    const bot = await ownBot(user.id, req.params.id!);
    const { pairs } = BotPairsInput.parse(req.body);
    const [outside] = pairsOutsideStake(pairs, bot.stakeCurrency);
    if (outside) throw new HttpError(400, 'invalid_input', `${outside.path.join('.')}: ${outside.message}`, outside.path.join('.'));
    const change = await commands.changePairs(bot.id, { pairs });
    res.json({ pairs: change, bot: await ownBot(user.id, bot.id) });
  });

  router.delete('/:id', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    const bot = await ownBot(user.id, req.params.id!);
    await commands.remove(bot.id);
    res.json({ bot: { ...bot, status: 'deleting' } });
  });

  return router;
}

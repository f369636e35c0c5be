// Moves of a bot to another strategy version and/or FreqTrade release: the checks made before anything changes.
import type { Bot } from '../domain/bot.js';
import { fieldError, schemaFieldError } from '../domain/field-error.js';
import { MoveBotInput, type BotVersions } from '../domain/bot-move.js';
import type { Db } from '../db/pool.js';
import { findStrategyVersionForUser } from '../db/strategies.js';
import type { FreqtradeRuntime } from './freqtrade-runtime.js';

export interface BotMovePlan {
  from: BotVersions;
  to: BotVersions;
  healthTimeoutMs: number;
}

/** The versions a bot moves from and to; the target must exist for the user, fit the engine, be installed and differ. */
export async function planMove(db: Db, freqtrade: FreqtradeRuntime | null, bot: Bot, input: unknown): Promise<BotMovePlan> {
  const parsed = MoveBotInput.safeParse(input);
  if (!parsed.success) throw schemaFieldError(parsed.error);
  const move = parsed.data;
  const from: BotVersions = { strategyVersionId: bot.strategyVersionId, freqtradeVersion: bot.freqtradeVersion };
  if (move.strategyVersionId !== undefined) {
    const target = await findStrategyVersionForUser(db, bot.userId, move.strategyVersionId);
    if (!target || target.engine !== bot.engine) throw fieldError('strategyVersionId', `no ${bot.engine} strategy with this id`);
  }
  if (move.freqtradeVersion !== undefined) {
    if (bot.engine !== 'freqtrade') throw fieldError('freqtradeVersion', 'only FreqTrade bots have a FreqTrade version');
    if (bot.placement === 'pool') throw fieldError('freqtradeVersion', 'a pooled FreqTrade bot runs its pool containers\' FreqTrade release; a dedicated bot can change it');
    if (!freqtrade || !(await freqtrade.imageExists(move.freqtradeVersion))) {
      throw fieldError('freqtradeVersion', `FreqTrade ${move.freqtradeVersion} is not installed here (no image tradefleet/freqtrade:${move.freqtradeVersion})`);
    }
  }
  const to: BotVersions = {
    strategyVersionId: move.strategyVersionId ?? from.strategyVersionId,
    freqtradeVersion: move.freqtradeVersion ?? from.freqtradeVersion,
  };
  if (to.strategyVersionId === from.strategyVersionId && to.freqtradeVersion === from.freqtradeVersion) {
    throw fieldError('strategyVersionId', 'the bot runs these versions already');
  }
  return { from, to, healthTimeoutMs: move.healthTimeoutSeconds * 1000 };
}

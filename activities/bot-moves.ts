// Moves of a bot to another strategy version and/or FreqTrade release: the checks made before anything changes.
import type { Bot } from '../domain/bot.js';
import { fieldError, schemaFieldError } from '../domain/field-error.js';
import { MoveBotInput, type BotVersions } from '../domain/bot-move.js';
import { DEFAULT_FREQTRADE_VERSION } from '../domain/freqtrade-config.js';
import type { Db } from '../db/pool.js';
import { findStrategyVersionForUser } from '../db/strategies.js';
import type { FreqtradeRuntime } from './freqtrade-runtime.js';

export interface BotMovePlan {
  from: BotVersions;
  to: BotVersions;
  healthTimeoutMs: number;
  /**
   * Set when the move changes where the bot runs: a pooled FreqTrade bot moving to a release its pool does not run
   * leaves the pool for a container of its own, with its trade database (workflows/bot-release-move.ts).
   */
  placement?: 'dedicated';
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
  // The FreqTrade pool runs one release (the default): a pooled bot on any other runs in a container of its own.
  const leavesPool = bot.placement === 'pool' && to.freqtradeVersion !== null && to.freqtradeVersion !== DEFAULT_FREQTRADE_VERSION;
  return { from, to, healthTimeoutMs: move.healthTimeoutSeconds * 1000, ...(leavesPool ? { placement: 'dedicated' as const } : {}) };
}

// A pooled FreqTrade bot moving to a FreqTrade release its pool does not run (the pool runs one) leaves the pool for a
// container of its own, with its trade database: open trades continue there. Its place (and directory) in the pool is
// kept, detached, until the bot runs healthy in the new container; a new container that does not come up is removed and
// the bot goes back to its place, on the versions it left, with the trades it had.
import { log } from '@temporalio/workflow';
import type { BotMovePlan } from '../activities/bot-moves.js';
import type { BotStatus } from '../domain/bot.js';
import type { MoveBotResult } from '../domain/bot-move.js';
import type { BotRun } from './bot-run.js';
import { health, moves, runtime } from './bot-proxies.js';
import { createRuntime, startRuntime, stopRuntime } from './bot-runtime.js';
import { messageOf } from './failure-message.js';
import { onHost } from './pool-proxies.js';

/** After the bot stopped in its pool (detached, its directory kept): the move into a container of its own. */
export async function leavePool(bot: BotRun, plan: BotMovePlan): Promise<MoveBotResult> {
  await bot.setStatus('starting');
  try {
    const place = await moves.pooledBotPlace(bot.botId);
    // Its process gone (its socket closed), its trade database is final.
    if (place) await onHost(place.host).waitBotReleased(bot.botId);
    const saved = place ? await onHost(place.host).exportBotState(place.poolId, place.key, bot.botId) : null;
    await moves.setBotVersions(bot.botId, plan.to, 'dedicated');
    bot.state.placement = 'dedicated';
    await createRuntime(bot);
    const carried = saved ? await moves.importPooledTrades(bot.botId, saved) : [];
    log.info('pooled bot moving to a container of its own', { botId: bot.botId, carried });
    await startRuntime(bot);
    await health.waitBotHealthy(bot.botId, plan.healthTimeoutMs);
  } catch (error) {
    const reason = messageOf(error);
    await backToPool(bot, plan, reason);
    return { status: bot.state.status as BotStatus, moved: false, versions: plan.from, error: reason };
  }
  // Running there: the pool forgets the bot and deletes its old directory (the row keeps the bot running: it is no
  // longer a pooled bot that lost its place).
  await moves.releasePoolPlace(bot.botId);
  await bot.setStatus('running');
  return { status: 'running', moved: true, versions: plan.to, error: null };
}

/** The new container (and its volume) goes; the bot attaches again to its place in the pool, on the versions it left. */
async function backToPool(bot: BotRun, plan: BotMovePlan, reason: string): Promise<void> {
  log.warn('leaving the pool failed; back to the pool', { botId: bot.botId, reason });
  if (bot.state.placement === 'dedicated') await runtime.removeBotRuntime(bot.botId);
  await moves.setBotVersions(bot.botId, plan.from, 'pool');
  bot.state.placement = 'pool';
  try {
    await startRuntime(bot);
    await health.waitBotHealthy(bot.botId, plan.healthTimeoutMs);
    await bot.setStatus('running', `move rolled back: ${reason}`);
  } catch (rollbackError) {
    await stopRuntime(bot);
    await bot.setStatus('stopped', `move failed (${reason}) and the previous versions did not start again: ${messageOf(rollbackError)}`);
  }
}

// Changing a bot's pairs (its whitelist) as its workflow runs it: check the list, write the bot's row, then have the
// runtime take it while the bot keeps running. A pooled bot through its container's bot list (the host restarts the bot
// with its saved state), a dedicated one through its rewritten config (a builtin host follows its file, FreqTrade
// reloads it). A bot that does not trade the new list in time is given its old list back, and the change fails saying so.
import { ApplicationFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import type { BotPairActivities } from '../activities/bot-pairs.js';
import type { PoolDockerActivities } from '../activities/pools.js';
import type { BotStatus } from '../domain/bot.js';
import { BotPairsInput, samePairs, type ChangePairsResult } from '../domain/bot-pairs.js';
import { rethrowFieldError, schemaFieldError } from '../domain/field-error.js';
import { dockerQueue } from '../domain/workflow-ids.js';
import type { BotRun } from './bot-run.js';
import { runtime, store } from './bot-proxies.js';
import { messageOf } from './failure-message.js';

/** Runs recorded before pooled FreqTrade bots reloaded their config on a pairs change; `patched` keeps them replaying. */
export const POOLED_RELOAD = 'pooled-pairs-reload';
/** How long a running bot has to trade its new pairs (FreqTrade rebuilds itself on a reload: tens of seconds). */
export const PAIRS_TIMEOUT_MS = 150_000;

const pairs = proxyActivities<BotPairActivities>({
  priority: { priorityKey: 2 },
  // The markets check may load the exchange's markets once.
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 },
});
const waiting = proxyActivities<BotPairActivities>({
  priority: { priorityKey: 4 },
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});
// The container's list is written on its Docker host, as the pool scaler writes it (under the same container lock).
const onHost = (host: string) =>
  proxyActivities<PoolDockerActivities>({
    taskQueue: dockerQueue(host),
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
  });

/** The update's validator: a bot that takes a change of pairs now, and a well-formed list. */
export function checkPairs(bot: BotRun, change: unknown): void {
  bot.rejectUnless('pairs');
  const parsed = BotPairsInput.safeParse(change);
  if (!parsed.success) throw schemaFieldError(parsed.error);
}

async function pooled(bot: BotRun): Promise<boolean> {
  bot.state.placement ??= (await store.findBot(bot.botId)).placement;
  return bot.state.placement === 'pool';
}

/** Has the running bot trade `list`, and waits until its own API says it does. */
async function take(bot: BotRun, list: string[]): Promise<void> {
  if (await pooled(bot)) {
    const place = await pairs.botPoolPlace(bot.botId);
    // Without a container the bot is between places: the one it gets next reads its row.
    if (place) await onHost(place.host).writeContainerBots(place.poolId, place.containerKey);
    // A pooled FreqTrade bot's config file was rewritten with the list, which FreqTrade reads on /reload_config (its
    // pool's parent restarts a bot only when the list of bots changes); a builtin host applies its list by itself.
    const { paused } = place && patched(POOLED_RELOAD) ? await pairs.reloadBotConfig(bot.botId) : { paused: false };
    await waiting.waitBotPairs(bot.botId, list, PAIRS_TIMEOUT_MS, paused);
    return;
  }
  await runtime.createBotRuntime(bot.botId); // rewrites the runtime's config from the row
  const { paused } = await pairs.reloadBotConfig(bot.botId);
  await waiting.waitBotPairs(bot.botId, list, PAIRS_TIMEOUT_MS, paused);
}

export async function changePairs(bot: BotRun, change: unknown): Promise<ChangePairsResult> {
  bot.rejectUnless('pairs');
  const plan = await pairs.planBotPairs(bot.botId, change).catch((error: unknown) => {
    rethrowFieldError(error); // a pair the exchange does not list: the API answers 400 naming it
    throw ApplicationFailure.nonRetryable(messageOf(error), 'PairsFailed');
  });
  const running = bot.state.status === 'running';
  const answer = (applied: boolean): ChangePairsResult => ({ status: bot.state.status as BotStatus, pairs: plan.to, previous: plan.from, applied });
  if (samePairs(plan.from, plan.to)) return answer(running);
  await pairs.setBotPairs(bot.botId, plan.to);
  if (!running) {
    // A stopped bot starts on its row's list; a dedicated runtime keeps a config file, rewritten now.
    if (!(await pooled(bot))) await runtime.createBotRuntime(bot.botId);
    return answer(false);
  }
  try {
    await take(bot, plan.to);
    return answer(true);
  } catch (error) {
    const reason = messageOf(error);
    log.warn('the bot did not take its new pairs; giving it its old ones back', { botId: bot.botId, reason });
    await pairs.setBotPairs(bot.botId, plan.from);
    await take(bot, plan.from).catch((e: unknown) => log.error('the old pairs did not come back either', { botId: bot.botId, error: messageOf(e) }));
    throw ApplicationFailure.nonRetryable(`the bot did not take the new pairs (${reason}); it trades ${plan.from.join(', ')} again`, 'PairsNotTaken');
  }
}

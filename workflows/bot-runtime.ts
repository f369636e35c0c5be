// How a bot's workflow creates, starts and stops its runtime. A dedicated container or process: runtime activities. A
// place in a pool: messages to the pool scaler, which queues the request and answers this workflow by signal; the bot
// waits here, in workflow state, and asks again (the same idempotent request) when no answer comes. So a burst of
// placements holds no worker slot, however long the pool's queue.
import { ApplicationFailure, condition, log, patched, uuid4, workflowInfo } from '@temporalio/workflow';
import type { BotRun } from './bot-run.js';
import { HEALTH_TIMEOUT_MS, health, placement, runtime, store } from './bot-proxies.js';

/** Runs recorded before this change placed pooled bots through runtime activities; `patched` keeps them replaying. */
export const PLACEMENT_BY_SIGNAL = 'placement-by-signal';
/** A request without an answer after this is sent again (the scaler may have continued as new, or lost it). */
export const PLACEMENT_RESEND_MS = 60_000;
/** Longer than any queue a burst builds (1,000 bots drain in minutes): past it the pool is broken, not busy. */
export const PLACEMENT_GIVE_UP_MS = 30 * 60_000;

async function pooled(bot: BotRun): Promise<boolean> {
  if (!patched(PLACEMENT_BY_SIGNAL)) return false;
  bot.state.placement ??= (await store.findBot(bot.botId)).placement;
  return bot.state.placement === 'pool';
}

/** Asks the pool for a place (run: attached, else detached) and waits for its answer; throws the pool's refusal. */
async function placeInPool(bot: BotRun, run: boolean): Promise<void> {
  const requestId = uuid4();
  const started = Date.now();
  bot.placementAnswers.set(requestId, null);
  try {
    for (;;) {
      await placement.requestPlacement({ botId: bot.botId, userId: bot.userId, run, requestId, replyTo: workflowInfo().workflowId });
      if (await condition(() => bot.placementAnswers.get(requestId) !== null, PLACEMENT_RESEND_MS)) break;
      if (Date.now() - started >= PLACEMENT_GIVE_UP_MS) {
        throw ApplicationFailure.nonRetryable(`the pool did not answer within ${PLACEMENT_GIVE_UP_MS / 60_000} minutes`, 'PlacementTimeout');
      }
      log.warn('no answer from the pool yet; asking again', { botId: bot.botId, run });
    }
    const answer = bot.placementAnswers.get(requestId)!;
    if (answer.error !== null) throw ApplicationFailure.nonRetryable(answer.error, 'PoolRejected');
  } finally {
    bot.placementAnswers.delete(requestId);
  }
}

/** Creates the runtime; a pooled bot gets its place when it starts. */
export async function createRuntime(bot: BotRun): Promise<void> {
  if (!(await pooled(bot))) await runtime.createBotRuntime(bot.botId);
}

export async function startRuntime(bot: BotRun): Promise<void> {
  if (await pooled(bot)) await placeInPool(bot, true);
  else await runtime.startBotRuntime(bot.botId);
}

export async function stopRuntime(bot: BotRun): Promise<void> {
  if (await pooled(bot)) await placeInPool(bot, false);
  else await runtime.stopBotRuntime(bot.botId);
}

/** Runs recorded before this change failed a bot whose runtime vanished while it came up; `patched` keeps them replaying. */
export const PLACE_AGAIN = 'place-again-when-runtime-lost';
/** A runtime lost this many times in a row while coming up is a broken host, not a crash: the bot fails then. */
export const PLACE_AGAIN_TRIES = 3;
/** Failures that mean the runtime or the pool place is gone (the worker, a container or the pool lost it), not the bot. */
const LOST = new Set(['RuntimeGone', 'NotPlaced']);

/**
 * Waits until the bot answers healthy and marks it running. A runtime or place that vanished meanwhile (a crash of the
 * platform, a container removed) is created and placed again: the same bot, port and credentials, all from its row.
 */
export async function comeUpRunning(bot: BotRun): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      bot.state.step = 'wait-healthy';
      await health.waitBotHealthy(bot.botId, HEALTH_TIMEOUT_MS);
      bot.state.step = 'mark-running';
      await bot.setStatus('running');
      return;
    } catch (error) {
      const type = (error as { cause?: { type?: string } }).cause?.type;
      if (attempt >= PLACE_AGAIN_TRIES || !type || !LOST.has(type) || !patched(PLACE_AGAIN)) throw error;
      log.warn('the bot lost its runtime while coming up; placing it again', { botId: bot.botId, attempt, type });
      bot.state.step = 'place-again';
      await createRuntime(bot);
      await startRuntime(bot);
    }
  }
}

// Moving a running bot to other versions (strategy and/or FreqTrade release) as a saga of its own: plan, stop, switch
// and wait healthy; a move that does not come up healthy switches back to the versions it left, and says so.
import { ApplicationFailure, log } from '@temporalio/workflow';
import type { BotMovePlan } from '../activities/bot-moves.js';
import type { BotStatus } from '../domain/bot.js';
import { rethrowFieldError, schemaFieldError } from '../domain/field-error.js';
import { MoveBotInput, type BotVersions, type MoveBotResult } from '../domain/bot-move.js';
import { backToRunning } from './bot-commands.js';
import type { BotRun } from './bot-run.js';
import { health, moves } from './bot-proxies.js';
import { leavePool } from './bot-release-move.js';
import { createRuntime, startRuntime, stopRuntime } from './bot-runtime.js';
import { messageOf } from './failure-message.js';

/** The move's validator: a bot that takes a move now, and a well-formed target. */
export function checkMove(bot: BotRun, move: unknown): void {
  bot.rejectUnless('move');
  const parsed = MoveBotInput.safeParse(move);
  if (!parsed.success) throw schemaFieldError(parsed.error);
}

export async function moveVersions(bot: BotRun, move: unknown): Promise<MoveBotResult> {
  bot.rejectUnless('move');
  const plan = await moves.planBotMove(bot.botId, move).catch((error: unknown) => {
    rethrowFieldError(error); // a target the activity found wrong: the API answers 400 naming the field
    throw ApplicationFailure.nonRetryable(messageOf(error), 'MoveFailed');
  });
  await bot.setStatus('stopping');
  try {
    await stopRuntime(bot);
  } catch (error) {
    await backToRunning(bot, `move not started, the bot did not stop: ${messageOf(error)}`);
    return { status: 'running', moved: false, versions: plan.from, error: messageOf(error) };
  }
  // A pooled FreqTrade bot moving to a release its pool does not run: into a container of its own.
  if (plan.placement === 'dedicated') return leavePool(bot, plan);
  await bot.setStatus('starting');
  try {
    await switchTo(bot, plan.to, plan.healthTimeoutMs);
    await bot.setStatus('running');
    return { status: 'running', moved: true, versions: plan.to, error: null };
  } catch (error) {
    const reason = messageOf(error);
    await rollBack(bot, plan, reason);
    return { status: bot.state.status as BotStatus, moved: false, versions: plan.from, error: reason };
  }
}

/** Runs the bot on `versions`: its row, then its config and strategy (a new FreqTrade release gets a new container), started and healthy. */
async function switchTo(bot: BotRun, versions: BotVersions, healthTimeoutMs: number): Promise<void> {
  await moves.setBotVersions(bot.botId, versions);
  await createRuntime(bot);
  await startRuntime(bot);
  await health.waitBotHealthy(bot.botId, healthTimeoutMs);
}

/** Back to the versions the move left; a bot that does not start on them either is left stopped, with both reasons. */
async function rollBack(bot: BotRun, plan: BotMovePlan, reason: string): Promise<void> {
  log.warn('bot move failed; rolling back', { botId: bot.botId, reason });
  await stopRuntime(bot);
  try {
    await switchTo(bot, plan.from, plan.healthTimeoutMs);
    await bot.setStatus('running', `move rolled back: ${reason}`);
  } catch (rollbackError) {
    await stopRuntime(bot);
    await bot.setStatus('stopped', `move failed (${reason}) and the previous versions did not start again: ${messageOf(rollbackError)}`);
  }
}

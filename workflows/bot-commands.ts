// The bot's commands as its workflow runs them: create (persist the bot), start, stop and delete (a move: bot-move.ts).
// Each re-checks the status it found when its turn came, writes the status it passes through, and ends in one that says
// what happened.
import { ApplicationFailure, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { CreateBotInput, type Bot, type BotStatus } from '../domain/bot.js';
import { rethrowFieldError, schemaFieldError } from '../domain/field-error.js';
import { HEALTH_TIMEOUT_MS, guards, health, runtime, store } from './bot-proxies.js';
import type { BotRun } from './bot-run.js';
import { startRuntime, stopRuntime } from './bot-runtime.js';
import { messageOf } from './failure-message.js';

export function checkCreate(spec: unknown): void {
  const parsed = CreateBotInput.safeParse(spec);
  if (!parsed.success) throw schemaFieldError(parsed.error);
}

export async function create(bot: BotRun, spec: unknown): Promise<Bot> {
  const { botId, userId, state } = bot;
  if (state.status !== 'new') return store.findBot(botId); // a repeated create answers with the bot as it is
  try {
    const persisted = await store.persistBot({ botId, userId, spec });
    state.status = 'provisioning';
    state.placement = persisted.placement;
    upsertSearchAttributes({ BotStatus: ['provisioning'] });
    return persisted;
  } catch (error) {
    bot.createFailed = true;
    rethrowFieldError(error); // input the activity found wrong: the API answers 400 naming the field
    // A limit of the owner's: the API answers 409 quota_exceeded with the limit's own message.
    const cause = (error as { cause?: { type?: string; message?: string } }).cause;
    if (cause?.type === 'QuotaExceeded') throw ApplicationFailure.nonRetryable(cause.message ?? 'quota exceeded', 'QuotaExceeded');
    throw ApplicationFailure.nonRetryable(`could not create the bot: ${messageOf(error)}`, 'CreateFailed');
  }
}

export async function stop(bot: BotRun): Promise<BotStatus> {
  bot.rejectUnless('stop');
  await bot.setStatus('stopping');
  try {
    await stopRuntime(bot);
    await bot.setStatus('stopped');
  } catch (error) {
    await backToRunning(bot, `stop failed: ${messageOf(error)}`);
  }
  return bot.state.status as BotStatus;
}

/** After a stop that did not finish: running again, unless its pool place was released meanwhile (then stopped). */
export async function backToRunning(bot: BotRun, reason: string): Promise<void> {
  try {
    await bot.setStatus('running', reason);
  } catch (error) {
    await bot.setStatus('stopped', `${reason}; ${messageOf(error)}`);
  }
}

export async function start(bot: BotRun): Promise<BotStatus> {
  bot.rejectUnless('start');
  await bot.setStatus('starting');
  try {
    await startRuntime(bot);
    await health.waitBotHealthy(bot.botId, HEALTH_TIMEOUT_MS);
    await bot.setStatus('running');
  } catch (error) {
    await stopRuntime(bot);
    await bot.setStatus('stopped', `start failed: ${messageOf(error)}`);
  }
  return bot.state.status as BotStatus;
}

export async function remove(bot: BotRun): Promise<'deleted'> {
  bot.rejectUnless('delete');
  await bot.setStatus('deleting');
  // Its guards end first, saying why, so none acts on a bot that is going away (deletes recorded before this had no step).
  if (patched('bot-delete-ends-guards')) await guards.endBotGuards({ botId: bot.botId, reason: 'its bot was deleted' });
  await runtime.removeBotRuntime(bot.botId);
  await store.deleteBotRecord(bot.botId);
  bot.state.status = 'deleted';
  upsertSearchAttributes({ BotStatus: ['deleted'] });
  return 'deleted' as const;
}

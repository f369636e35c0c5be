// The bot's commands as its workflow runs them: create (persist the bot), start, stop and delete (a move: bot-move.ts).
// Each re-checks the status it found when its turn came, writes the status it passes through, and ends in one that says
// what happened.
import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import { CreateBotInput, commandRejection, type Bot, type BotCommand, type BotStatus } from '../domain/bot.js';
import { rethrowFieldError, schemaFieldError } from '../domain/field-error.js';
import type { PlacementAnswer } from '../domain/pool-queue.js';
import type { BotState, BotWorkflowInput } from './bot-messages.js';
import { HEALTH_TIMEOUT_MS, health, runtime, store } from './bot-proxies.js';
import { startRuntime, stopRuntime } from './bot-runtime.js';
import { messageOf } from './failure-message.js';

/** One bot's workflow as its commands see it. */
export interface BotRun {
  botId: string;
  userId: string;
  state: BotState;
  /** The create update failed: the workflow ends without provisioning. */
  createFailed: boolean;
  /** The pool's answers by request id; null while a request waits (workflows/bot-runtime.ts). */
  placementAnswers: Map<string, PlacementAnswer | null>;
  /** Writes the status to the bot's row, the query's state and the search attribute. */
  setStatus(status: BotStatus, lastError?: string | null): Promise<void>;
  /** Throws unless the bot's status takes `command` now: in the validator, and again when the command's turn comes. */
  rejectUnless(command: BotCommand): void;
}

export function botRun(input: BotWorkflowInput): BotRun {
  const { botId, userId } = input;
  const state: BotState = input.carried ?? { status: 'new', step: null, lastError: null };
  return {
    botId,
    userId,
    state,
    createFailed: false,
    placementAnswers: new Map(),
    async setStatus(status, lastError = null) {
      await store.setBotStatus(botId, status, lastError);
      state.status = status;
      state.lastError = lastError;
      upsertSearchAttributes({ BotStatus: [status] });
    },
    rejectUnless(command) {
      if (state.status === 'new' || state.status === 'deleted') throw new Error(`bot is ${state.status}`);
      const reason = commandRejection(state.status, command);
      if (reason) throw new Error(reason);
    },
  };
}

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
  await runtime.removeBotRuntime(bot.botId);
  await store.deleteBotRecord(bot.botId);
  bot.state.status = 'deleted';
  upsertSearchAttributes({ BotStatus: ['deleted'] });
  return 'deleted' as const;
}

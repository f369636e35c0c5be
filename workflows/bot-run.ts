// One bot workflow's run as its commands, its runtime and its moves see it: its ids, its state and the two things every
// step does (write a status, refuse a command the status does not take). Apart, so those modules need not import each other.
import { upsertSearchAttributes } from '@temporalio/workflow';
import { commandRejection, type BotCommand, type BotStatus } from '../domain/bot.js';
import type { PlacementAnswer } from '../domain/pool-queue.js';
import type { BotState, BotWorkflowInput } from './bot-messages.js';
import { store } from './bot-proxies.js';

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

// The bot lifecycle's messages (`bot:<botId>`), apart from its code so the API, scripts and tests import them lightly.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Bot, BotPlacement, BotStatus } from '../domain/bot.js';
import type { PlacementAnswer } from '../domain/pool-queue.js';
import type { MoveBotResult } from '../domain/bot-move.js';
import type { ChangePairsResult } from '../domain/bot-pairs.js';

export type { ChangePairsResult, MoveBotResult };

export interface BotWorkflowInput {
  botId: string;
  userId: string;
  /** State carried over by continue-as-new. */
  carried?: BotState;
}

export interface BotState {
  status: BotStatus | 'new' | 'deleted';
  /** The saga step in progress, for operators reading the query. */
  step: string | null;
  lastError: string | null;
  /** Where the bot runs (set at creation; read from its row by runs carried over from before it was kept here). */
  placement?: BotPlacement;
}

export const createBot = defineUpdate<Bot, [spec: unknown]>('createBot');
export const startBot = defineUpdate<BotStatus>('startBot');
export const stopBot = defineUpdate<BotStatus>('stopBot');
export const deleteBot = defineUpdate<'deleted'>('deleteBot');
export const botState = defineQuery<BotState>('botState');

/** Moves a running bot to another strategy version and/or FreqTrade release; rolls back when it is not healthy in time. */
export const moveBot = defineUpdate<MoveBotResult, [move: unknown]>('moveBot');

/** Changes the pairs the bot trades (its whitelist): a running bot takes them live, a stopped one at its next start. */
export const changeBotPairs = defineUpdate<ChangePairsResult, [change: unknown]>('changeBotPairs');

/** The pool scaler's answer to a placement request (see requestPlacement in pool-messages.ts). */
export const placementAnswer = defineSignal<[PlacementAnswer]>('placementAnswer');

/** The fleet reconciler found the bot not answering (workflows/fleet-reconcile.ts): start it again, or say why not. */
export interface ReviveRequest {
  reason: string;
  /** The status the reconciler saw; a bot whose status moved on since is left alone. */
  seen: string;
}
export const reviveBot = defineSignal<[ReviveRequest]>('reviveBot');

// Sends bot commands to the bot's workflow through the Temporal client and maps its answers to HTTP errors.
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Bot } from '../domain/bot.js';
import { botWorkflowId, poolWorkflowId } from '../domain/workflow-ids.js';
import { freqtradePoolId } from '../domain/freqtrade-pool.js';
import { placementPosition } from '../workflows/pool-messages.js';
import { botWorkflow, changeBotPairs, createBot, deleteBot, moveBot, startBot, stopBot, type ChangePairsResult, type MoveBotResult } from '../workflows/bot.js';
import { HttpError } from './errors.js';
import { idForIdempotencyKey } from './idempotent-ids.js';
import { refusalAsHttp } from './update-errors.js';
import { recordOwnerRequest } from '../db/owner-requests.js';
import type { Db } from '../db/pool.js';

export interface BotCommands {
  create(userId: string, spec: unknown, idempotencyKey?: string): Promise<Bot>;
  start(botId: string): Promise<void>;
  stop(botId: string): Promise<void>;
  remove(botId: string): Promise<void>;
  move(botId: string, move: unknown): Promise<MoveBotResult>;
  /** Sets the pairs the bot trades; answers once a running bot trades them (or the change failed and it has its old ones). */
  changePairs(botId: string, change: unknown): Promise<ChangePairsResult>;
  runIdOf(botId: string): Promise<string | null>;
  /** The 1-based place of a pooled bot's request in its pool's queue; null when not queued (or the pool did not answer in time). */
  queuePosition(botId: string, engine?: 'builtin' | 'freqtrade'): Promise<number | null>;
}

/** A page load does not wait longer than this for the pool's answer; it then shows no position. */
const QUEUE_POSITION_DEADLINE_MS = 2_000;

function asHttpError(error: unknown): never {
  if (error instanceof WorkflowUpdateFailedError) throw refusalAsHttp(error);
  if (error instanceof WorkflowNotFoundError) {
    throw new HttpError(409, 'conflict', 'the bot has no running workflow; it may be finishing a deletion');
  }
  throw error;
}

/** `poolId`: the deployment's pool (BOT_POOL_ID), which places every pooled builtin bot (FreqTrade bots: its FreqTrade pool). */
export function createBotCommands(client: Client, taskQueue: string, db: Db, poolId: string): BotCommands {
  const update = async (botId: string, def: typeof startBot | typeof stopBot | typeof deleteBot): Promise<void> => {
    try {
      await client.workflow.getHandle(botWorkflowId(botId)).executeUpdate(def);
    } catch (error) {
      asHttpError(error);
    }
  };
  return {
    async create(userId, spec, idempotencyKey) {
      const botId = idForIdempotencyKey([userId], idempotencyKey);
      // The workflow takes the bot's owner from this row, not from its input.
      await recordOwnerRequest(db, 'bot', botId, userId);
      const startWorkflowOperation = new WithStartWorkflowOperation(botWorkflow, {
        workflowId: botWorkflowId(botId),
        taskQueue,
        args: [{ botId, userId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // The owner is the fairness key of the bot's workflow and activity tasks: with a backlog on the platform queue,
        // Temporal dispatches user by user, so one user's burst does not hold back another user's commands.
        priority: { fairnessKey: userId },
      });
      try {
        return await client.workflow.executeUpdateWithStart(createBot, { args: [spec], updateId: 'create', startWorkflowOperation });
      } catch (error) {
        asHttpError(error);
      }
    },
    start: (botId) => update(botId, startBot),
    stop: (botId) => update(botId, stopBot),
    remove: (botId) => update(botId, deleteBot),
    async move(botId, move) {
      try {
        return await client.workflow.getHandle(botWorkflowId(botId)).executeUpdate(moveBot, { args: [move] });
      } catch (error) {
        asHttpError(error);
      }
    },
    async changePairs(botId, change) {
      try {
        return await client.workflow.getHandle(botWorkflowId(botId)).executeUpdate(changeBotPairs, { args: [change] });
      } catch (error) {
        asHttpError(error);
      }
    },
    async queuePosition(botId, engine = 'builtin') {
      const pool = client.workflow.getHandle(poolWorkflowId(engine === 'freqtrade' ? freqtradePoolId(poolId) : poolId));
      try {
        return await client.withDeadline(Date.now() + QUEUE_POSITION_DEADLINE_MS, () => pool.query(placementPosition, botId));
      } catch {
        return null;
      }
    },
    async runIdOf(botId) {
      try {
        return (await client.workflow.getHandle(botWorkflowId(botId)).describe()).runId;
      } catch {
        return null;
      }
    },
  };
}

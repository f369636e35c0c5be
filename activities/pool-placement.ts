// How bot lifecycles reach the pool scaler: a placement request is a signal-with-start of `pool:<poolId>` that returns
// as soon as Temporal has it (the scaler answers the bot workflow by signal), and a release is a signal. No activity
// here waits for the scaler, so any number of bots waiting for a place holds no worker slot.
import type { Client } from '@temporalio/client';
import * as bots from '../db/bots.js';
import type { Db } from '../db/pool.js';
import { placementSizeMb } from '../domain/freqtrade-pool.js';
import type { PoolSettings } from '../domain/pool.js';
import type { PlacementRequest } from '../domain/pool-queue.js';
import { poolTaskQueue, poolWorkflowId } from '../domain/workflow-ids.js';

/** What a bot workflow sends; the size is read from the bot's row. */
export type PlacementRequestInput = Omit<PlacementRequest, 'sizeMb'>;

export interface PoolPlacementClient {
  readonly poolId: string;
  /** Queues the request with the scaler (starting it if it does not run); returns at once. */
  request(request: PlacementRequest): Promise<void>;
  release(botId: string, apiPort?: number): Promise<void>;
}

export interface PoolPlacementOptions {
  poolId: string;
  /** The platform's task queue: the scaler's workflow runs there, its activities on poolTaskQueue(taskQueue). */
  taskQueue: string;
  settings: PoolSettings;
}

/** The scaler's start arguments, the same wherever it is started from (the worker's ensurePool, a placement). */
export const poolWorkflowInput = (options: PoolPlacementOptions) => ({
  poolId: options.poolId, settings: options.settings, activityQueue: poolTaskQueue(options.taskQueue),
});

export function createPoolPlacementClient(client: Client, options: PoolPlacementOptions): PoolPlacementClient {
  const workflowId = poolWorkflowId(options.poolId);
  return {
    poolId: options.poolId,
    async request(request) {
      await client.workflow.signalWithStart('poolWorkflow', {
        workflowId,
        taskQueue: options.taskQueue,
        args: [poolWorkflowInput(options)],
        signal: 'requestPlacement',
        signalArgs: [request],
      });
    },
    async release(botId, apiPort) {
      const args: [string] | [string, number] = apiPort === undefined ? [botId] : [botId, apiPort];
      await client.workflow.getHandle(workflowId).signal('releaseBot', ...args).catch((error: unknown) => {
        // No scaler running means no container holds the bot: nothing to release.
        if ((error as { name?: string }).name !== 'WorkflowNotFoundError') throw error;
      });
    },
  };
}

/**
 * The activity bot workflows call to ask for a place; a re-sent request (same requestId) is harmless. A FreqTrade bot
 * asks the FreqTrade pool (`freqtrade`), a builtin bot the builtin one: the bot's row says which.
 */
export function createPoolPlacementActivities(db: Db, placement: PoolPlacementClient, freqtrade?: PoolPlacementClient) {
  return {
    async requestPlacement(input: PlacementRequestInput): Promise<void> {
      const bot = await bots.findBot(db, input.botId);
      const engine = bot?.engine ?? 'builtin';
      const pool = engine === 'freqtrade' && freqtrade ? freqtrade : placement;
      await pool.request({ ...input, sizeMb: placementSizeMb(engine, bot?.pairs.length ?? 1) });
    },
  };
}

export type PoolPlacementActivities = ReturnType<typeof createPoolPlacementActivities>;

// Pool activities that need only PostgreSQL (the scaler's projection and a bot's attached flag), and the placement
// client bot lifecycles use to ask the pool scaler for a place (an update-with-start on `pool:<poolId>`).
import { setTimeout as sleep } from 'node:timers/promises';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { botSizeMb, type PlacedBot, type PoolSettings, type PoolState } from '../domain/pool.js';
import { poolWorkflowId } from '../domain/workflow-ids.js';
import * as pools from '../db/pools.js';
import type { Db } from '../db/pool.js';
import type { ObservedPoolContainer } from './pool-containers.js';

export type { PoolDockerActivities } from './pool-containers.js';

export function createPoolActivities(db: Db, taskQueue: string) {
  return {
    /** The pool as last saved, for a scaler that starts without carried state (a restart, or a terminated run). */
    async loadPool(poolId: string): Promise<PoolState | null> {
      const [view] = await pools.listPools(db, { poolId });
      if (!view) return null;
      const sizes = await pools.placedBotSizes(db, poolId);
      const seq = Math.max(0, ...view.containers.map((c) => Number(c.key.slice(c.key.lastIndexOf('-c') + 2)) || 0));
      return {
        poolId,
        settings: view.settings,
        seq,
        containers: view.containers.map((c) => ({
          key: c.key,
          host: c.host,
          // A start that was under way is judged by the next reconcile like any other container.
          status: c.status === 'starting' ? 'ready' : c.status,
          bots: Object.fromEntries(sizes.filter((b) => b.containerKey === c.key).map((b) => [b.id, botSizeMb(b.pairCount)])),
          liveMb: c.memoryBytes === null ? null : Math.round(c.memoryBytes / 2 ** 20),
          removableCycles: 0,
        })),
      };
    },
    async savePool(state: PoolState): Promise<void> {
      await pools.savePoolState(db, taskQueue, state);
    },
    async savePoolStats(poolId: string, observed: ObservedPoolContainer[]): Promise<void> {
      await pools.savePoolStats(db, poolId, observed);
    },
    /** Sets whether the bot should run in its container; returns what it was. */
    async setBotAttached(botId: string, attached: boolean): Promise<boolean> {
      return pools.setPoolAttached(db, botId, attached);
    },
  };
}

export type PoolActivities = ReturnType<typeof createPoolActivities>;

/** How bot lifecycles reach the pool scaler. */
export interface PoolPlacementClient {
  readonly poolId: string;
  place(botId: string, pairCount: number, run: boolean): Promise<PlacedBot>;
  release(botId: string, apiPort?: number): Promise<void>;
}

const isResourceExhausted = (error: unknown): boolean => {
  const e = error as { code?: number; cause?: { code?: number } };
  return e.code === 8 || e.cause?.code === 8 || /RESOURCE_EXHAUSTED/.test(String((error as Error).message));
};

export function createPoolPlacementClient(client: Client, options: { poolId: string; taskQueue: string; settings: PoolSettings }): PoolPlacementClient {
  const workflowId = poolWorkflowId(options.poolId);
  return {
    poolId: options.poolId,
    async place(botId, pairCount, run) {
      const start = new WithStartWorkflowOperation('poolWorkflow', {
        workflowId,
        taskQueue: options.taskQueue,
        args: [{ poolId: options.poolId, settings: options.settings }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      // Temporal caps the updates in flight per workflow (10 by default): a burst of bots waits its turn here.
      for (let attempt = 0; ; attempt++) {
        try {
          return await client.workflow.executeUpdateWithStart<Workflow, PlacedBot, [unknown]>('placeBot', {
            args: [{ botId, sizeMb: botSizeMb(pairCount), run }],
            startWorkflowOperation: attempt === 0 ? start : new WithStartWorkflowOperation('poolWorkflow', start.options),
          });
        } catch (error) {
          if (!isResourceExhausted(error) || attempt >= 100) throw error;
          await sleep(100 + Math.floor(Math.random() * 200));
        }
      }
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

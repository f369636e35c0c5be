// Pool activities that need only PostgreSQL (the scaler's projection and the bots' attached flags). The scaler runs
// them on its own task queue (poolTaskQueue), so bot work never holds the slots they need.
import { placementSizeMb } from '../domain/freqtrade-pool.js';
import type { PoolState } from '../domain/pool.js';
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
          bots: Object.fromEntries(sizes.filter((b) => b.containerKey === c.key).map((b) => [b.id, placementSizeMb(b.engine, b.pairCount)])),
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
    /** The same for a batch of placements in one statement; returns each bot's flag before (gone bots left out). */
    async setBotsAttached(changes: Array<{ botId: string; attached: boolean }>): Promise<Record<string, boolean>> {
      return pools.setPoolAttachedMany(db, changes);
    },
  };
}

export type PoolActivities = ReturnType<typeof createPoolActivities>;

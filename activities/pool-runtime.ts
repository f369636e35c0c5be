// The runtime of a pooled bot: its place in a pool container, asked of the pool scaler workflow. Starting attaches the
// bot to its container (the container's bot host starts it), stopping detaches it (the bot keeps its place and its
// saved state), removing releases the place. What the bot lifecycle sees is the same interface as a dedicated container.
import * as bots from '../db/bots.js';
import { findBotPlacement } from '../db/pools.js';
import type { Db } from '../db/pool.js';
import type { PoolPlacementClient } from './pools.js';
import type { BotRuntimeDriver } from './runtime-driver.js';

export function createPoolRuntime(db: Db, placement: PoolPlacementClient): BotRuntimeDriver {
  const pairCount = async (botId: string): Promise<number> => (await bots.findBot(db, botId))?.pairs.length ?? 1;
  return {
    kind: 'docker',
    async ensureCreated(spec) {
      const placed = await placement.place(spec.botId, spec.host.bots[0]?.pairs.length ?? 1, false);
      return placed.containerKey;
    },
    async start(botId) {
      await placement.place(botId, await pairCount(botId), true);
    },
    async stop(botId) {
      const where = await findBotPlacement(db, botId);
      if (!where?.containerKey || !where.attached) return;
      await placement.place(botId, await pairCount(botId), false);
    },
    async remove(botId) {
      await placement.release(botId, (await bots.findBot(db, botId))?.apiPort);
    },
    async inspect(botId) {
      const where = await findBotPlacement(db, botId);
      if (!where?.containerKey || !where.host) return { exists: false, running: false };
      return { exists: true, running: where.attached, runtimeId: where.containerKey };
    },
  };
}

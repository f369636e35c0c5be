// The runtime of a pooled bot as the runtime activities see it (bot workflows that predate placement by signal still
// call them; newer ones message the scaler themselves, workflows/bot-runtime.ts). Starting attaches the bot to its
// container, stopping detaches it, removing releases its place: each only queues the request with the pool scaler and
// returns, and the bot's health wait sees the start land. Nothing here waits for the scaler.
import * as bots from '../db/bots.js';
import { findBotPlacement } from '../db/pools.js';
import type { Db } from '../db/pool.js';
import { placementSizeMb } from '../domain/freqtrade-pool.js';
import type { PoolPlacementClient } from './pool-placement.js';
import type { BotRuntimeDriver } from './runtime-driver.js';

export function createPoolRuntime(db: Db, placement: PoolPlacementClient): BotRuntimeDriver {
  const ask = async (botId: string, run: boolean): Promise<void> => {
    const bot = await bots.findBot(db, botId);
    if (!bot) return;
    await placement.request({ botId, userId: bot.userId, run, sizeMb: placementSizeMb(bot.engine, bot.pairs.length), requestId: `${botId}/runtime/${run}`, replyTo: null });
  };
  return {
    kind: 'docker',
    async ensureCreated(spec) {
      const where = await findBotPlacement(db, spec.botId);
      if (where?.containerKey) return where.containerKey;
      await ask(spec.botId, false);
      return `pool:${placement.poolId}`;
    },
    async start(botId) {
      await ask(botId, true);
    },
    async stop(botId) {
      const where = await findBotPlacement(db, botId);
      if (!where?.containerKey || !where.attached) return;
      await ask(botId, false);
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

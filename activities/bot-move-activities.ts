// The activities of a bot's version move (workflows/bot-move.ts): its plan and its version write, and what a pooled
// FreqTrade bot needs to leave its pool for a container of its own on another FreqTrade release
// (workflows/bot-release-move.ts): where its directory is, its trade database carried into the new container, and its
// pool place given up once it runs there.
import { gunzipSync } from 'node:zlib';
import { ApplicationFailure } from '@temporalio/common';
import type { BotVersions } from '../domain/bot-move.js';
import type { BotPlacement } from '../domain/bot.js';
import * as bots from '../db/bots.js';
import { findBotPlacement } from '../db/pools.js';
import type { Db } from '../db/pool.js';
import { planMove, type BotMovePlan } from './bot-moves.js';
import { BOT_UID } from './container-hardening.js';
import type { FreqtradeRuntime } from './freqtrade-runtime.js';
import type { PoolPlacementClient } from './pool-placement.js';
import { readTarFile, tarArchive, tarWithout } from './tar.js';

export interface BotMoveDeps {
  db: Db;
  /** Runs dedicated FreqTrade bots; null without a Docker engine. */
  freqtrade: FreqtradeRuntime | null;
  /** The FreqTrade pool's scaler (null without a Docker engine). */
  freqtradePool: PoolPlacementClient | null;
}

/** FreqTrade's trade database and SQLite's files beside it, in a bot's directory. */
const TRADE_FILES = ['user_data/trades.sqlite', 'user_data/trades.sqlite-wal', 'user_data/trades.sqlite-shm'];

export function createBotMoveActivities(deps: BotMoveDeps) {
  const { db } = deps;
  const botOf = async (botId: string) => {
    const bot = await bots.findBot(db, botId);
    if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'BotGone');
    return bot;
  };
  return {
    /** Checks a move (`moveBot`) before anything changes: the target versions exist, fit the engine and differ. */
    async planBotMove(botId: string, input: unknown): Promise<BotMovePlan> {
      return planMove(db, deps.freqtrade, await botOf(botId), input);
    },

    /** The bot's versions and, for a move that changes it, its placement, in one write. */
    async setBotVersions(botId: string, versions: BotVersions, placement?: BotPlacement): Promise<void> {
      if (!versions.strategyVersionId) throw ApplicationFailure.nonRetryable('a bot must pin a strategy version', 'InvalidMove');
      await bots.setBotVersions(db, botId, { strategyVersionId: versions.strategyVersionId, freqtradeVersion: versions.freqtradeVersion }, placement);
    },

    /** Where a pooled bot's directory is: its pool, container and Docker host; null when no container holds it. */
    async pooledBotPlace(botId: string): Promise<{ poolId: string; key: string; host: string } | null> {
      const where = await findBotPlacement(db, botId);
      return where?.poolId && where.containerKey && where.host ? { poolId: where.poolId, key: where.containerKey, host: where.host } : null;
    },

    /**
     * Writes the trade database of a pooled bot's saved directory (a pool's `exportBotState`: a gzipped tar of
     * `<botId>/…` in base64) into its new dedicated container's volume; returns the files written. Nothing else of
     * the directory comes along: the container gets its config and strategy from the bot's row.
     */
    async importPooledTrades(botId: string, base64: string): Promise<string[]> {
      if (!deps.freqtrade) throw ApplicationFailure.nonRetryable('FreqTrade bots need a Docker engine, and this worker has none', 'NoDocker');
      const archive = gunzipSync(Buffer.from(base64, 'base64'));
      const files = TRADE_FILES.flatMap((name) => {
        // A regular file of exactly that name (a link the bot planted there is not followed: readTarFile reads files only).
        const content = readTarFile(tarWithout(archive, (entry) => entry !== `${botId}/${name}`));
        return content ? [{ name, content }] : [];
      });
      if (!files.length) return [];
      const owned = { uid: BOT_UID, gid: BOT_UID };
      await deps.freqtrade.putFiles(botId, tarArchive([{ name: 'user_data', mode: 0o700, ...owned }, ...files.map((f) => ({ ...f, mode: 0o600, ...owned }))]));
      return files.map((f) => f.name);
    },

    /** Gives up a bot's place in the FreqTrade pool (its directory there is deleted); the bot runs elsewhere now. */
    async releasePoolPlace(botId: string): Promise<void> {
      await deps.freqtradePool?.release(botId);
    },
  };
}

export type BotMoveActivities = ReturnType<typeof createBotMoveActivities>;

// FreqTrade pool containers on one Docker host, as the pool scaler asks for them: the same activities (names, arguments,
// idempotence) as the builtin pool's (pool-containers.ts), served for pools whose id says FreqTrade
// (domain/freqtrade-pool.ts; worker/docker-host.ts picks by pool id). Each container runs freqtrade/tf_pool.py
// (activities/freqtrade-pool-host.ts): one sandbox per bot. Its socket directory is `<BOT_SOCKET_DIR>/p-<key>`, like a
// builtin pool container's, so the gateway (bot-gateway.ts), the move's release check and the worker's directory
// ownership cover it unchanged; but it has no shared egress proxy: each bot gets its own (`e-<botId>/egress.sock`,
// `preparePerBot`), allowing only that bot's exchange. A bot's saved state is its whole directory (config, strategy,
// trade database), carried by a move as one gzipped tar.
import { gunzipSync, gzipSync } from 'node:zlib';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type Docker from 'dockerode';
import { poolSocketDirName } from '../domain/bot-channel.js';
import { freqtradeImage } from '../domain/freqtrade-config.js';
import { poolLabels } from '../domain/pool.js';
import * as bots from '../db/bots.js';
import { withContainerLock } from '../db/pools.js';
import type { Db } from '../db/pool.js';
import { botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import type { BotChannels } from './bot-channels.js';
import type { BotGateway } from './bot-gateway.js';
import { createBotHostSpecs, type StoredCredentials } from './bot-host-spec.js';
import { freqtradeSpecOf } from './freqtrade-bot-spec.js';
import { createFreqtradePoolHost, freqtradePoolVolumeName, FREQTRADE_POOL_DIR, type PooledFreqtradeBot } from './freqtrade-pool-host.js';
import { BOT_UID } from './container-hardening.js';
import { execInContainer } from './docker-exec.js';
import { streamToBuffer, tarStaysIn, tarWithout } from './tar.js';

export interface FreqtradePoolDeps {
  docker: Docker;
  db: Db;
  box: SecretBox;
  paperExchangeUrl: string;
  /** The FreqTrade release every container of the pool runs (its bots were created on it). */
  version: string;
  cpus: number;
  /** Private memory each bot may use before the pool restarts it alone. */
  botMemoryMb: number;
  /** Whether each container's parent marks its memory mergeable for the host's KSM (FREQTRADE_POOL_MERGE). */
  merge?: boolean;
  channels: BotChannels;
  gateway: BotGateway;
}

/** Threads and processes of the whole container: up to 50 bots, each limited to 256 tasks in its own namespace. */
const POOL_PIDS_LIMIT = 4096;
/** Where FreqTrade writes a bot's log inside its directory (left out of a move). */
const LOGS_DIR = 'user_data/logs';
/** A move's saved state rides in workflow history: past this it is refused rather than failing the scaler's task. */
const MAX_STATE_BYTES = 1_500_000;

const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number } | null)?.statusCode;

export function createFreqtradePoolContainers(deps: FreqtradePoolDeps) {
  const { docker, db } = deps;
  const host = createFreqtradePoolHost(docker);

  /** Each listed bot's config as the pool runs it, read in the container lock's transaction (the same rows as the list). */
  async function poolBots(ids: readonly string[], tx: Db): Promise<{ list: PooledFreqtradeBot[]; egress: Record<string, string[]> }> {
    const specs = createBotHostSpecs({ db: tx, box: deps.box, paperExchangeUrl: deps.paperExchangeUrl });
    const list: PooledFreqtradeBot[] = [];
    const egress: Record<string, string[]> = {};
    for (const bot of await bots.findBotsWithSecret(tx, ids)) {
      if (bot.engine !== 'freqtrade' || (bot.freqtradeVersion ?? deps.version) !== deps.version) continue; // not this pool's kind
      const api = JSON.parse(deps.box.open(bot.apiCredentials, botCredentialsPlace(bot.id))) as StoredCredentials;
      // One bot whose files cannot be made (its strategy or account gone) must not keep its siblings from running: it
      // is left out, and its own health wait reports that it does not answer.
      const files = async () =>
        freqtradeSpecOf(tx, bot, { api, paperExchangeUrl: deps.paperExchangeUrl, exchangeCredentials: await specs.exchangeCredentialsOf(bot) });
      const spec = await files().catch((error: unknown) => {
        log.warn('pooled FreqTrade bot left out of its container', { botId: bot.id, error: (error as Error).message });
        return null;
      });
      if (!spec) continue;
      list.push({ botId: bot.id, apiPort: bot.apiPort, memoryMb: deps.botMemoryMb, config: spec.config, strategy: spec.strategy });
      egress[bot.id] = spec.egressAllow;
    }
    return { list, egress };
  }

  /** The list, each bot's egress proxy (before the bot starts) and the gateway's routes, all from the same rows. */
  async function writeBots(key: string, ids: readonly string[], tx: Db): Promise<number> {
    const { list, egress } = await poolBots(ids, tx);
    await deps.channels.preparePerBot(poolSocketDirName(key), egress);
    await host.writeBots(key, list);
    await deps.gateway.route(key, list.map((b) => ({ botId: b.botId, apiPort: b.apiPort })));
    return list.length;
  }

  /** Runs `fn` with a container that mounts the key's volume: the pool container, or a never-started stand-in. */
  async function withVolume<T>(key: string, fn: (c: Docker.Container) => Promise<T>): Promise<T> {
    const id = await host.containerId(key);
    if (id) return fn(docker.getContainer(id));
    const standIn = await docker.createContainer({
      Image: freqtradeImage(deps.version),
      Labels: { 'tradefleet.managed': 'true', 'tradefleet.pool-state-of': key },
      User: `${BOT_UID}:${BOT_UID}`,
      HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: freqtradePoolVolumeName(key), Target: FREQTRADE_POOL_DIR }] },
    });
    try {
      return await fn(standIn);
    } finally {
      await standIn.remove({ force: true }).catch(() => undefined);
    }
  }

  return {
    /** Creates (once), lists the bots of and starts the pool container `key`; a repeated call finds the same one. */
    async ensurePoolContainer(poolId: string, key: string, memoryMb: number): Promise<string> {
      await withContainerLock(db, key, async (ids, tx) => {
        const { list, egress } = await poolBots(ids, tx);
        // Every bot's egress proxy before the container can start it (a repeated call keeps those already listening).
        const socketDir = await deps.channels.preparePerBot(poolSocketDirName(key), egress);
        try {
          await host.ensureContainer({
            key, version: deps.version, socketDir, memoryMb, cpus: deps.cpus, pidsLimit: POOL_PIDS_LIMIT, labels: poolLabels(poolId, key), merge: deps.merge,
          });
        } catch (error) {
          if (statusOf(error) === 404) throw ApplicationFailure.nonRetryable(`FreqTrade image ${freqtradeImage(deps.version)} is missing on this Docker host; run the setup to build it`, 'ImageMissing');
          if (statusOf(error) === 400) throw ApplicationFailure.nonRetryable(`Docker refused the container: ${(error as Error).message}`, 'DockerRefused');
          throw error;
        }
        await host.writeBots(key, list);
        await deps.gateway.route(key, list.map((b) => ({ botId: b.botId, apiPort: b.apiPort })));
      });
      await host.start(key);
      return (await host.containerId(key))!;
    },

    async writeContainerBots(_poolId: string, key: string): Promise<{ bots: number; via: 'socket' | 'file' }> {
      if (!(await host.containerId(key))) throw new Error(`pool container ${key} does not exist`);
      return { bots: await withContainerLock(db, key, (ids, tx) => writeBots(key, ids, tx)), via: 'file' };
    },

    /** The bot's directory (its trade database with it) as a gzipped tar in base64, or null when it has none. */
    async exportBotState(_poolId: string, key: string, botId: string): Promise<string | null> {
      return withVolume(key, async (c) => {
        try {
          const tar = await streamToBuffer(await c.getArchive({ path: `${FREQTRADE_POOL_DIR}/bots/${botId}` }));
          // Its logs stay behind: they only grow, and a move carries what the bot needs to go on (config, strategy,
          // trade database).
          const packed = gzipSync(tarWithout(tar, (name) => name.startsWith(`${botId}/${LOGS_DIR}/`))).toString('base64');
          if (packed.length > MAX_STATE_BYTES) {
            throw ApplicationFailure.nonRetryable(`bot ${botId}'s directory is ${packed.length} bytes packed, more than a move carries (${MAX_STATE_BYTES})`, 'StateTooLarge');
          }
          return packed;
        } catch (error) {
          if (statusOf(error) === 404) return null;
          throw error;
        }
      });
    },

    async importBotState(_poolId: string, key: string, botId: string, base64: string): Promise<void> {
      const archive = gunzipSync(Buffer.from(base64, 'base64'));
      // Only the bot's own directory: every entry must unpack under `<botId>/` (a move's archive comes from exportBotState,
      // but it is checked where it lands).
      if (!tarStaysIn(archive, botId)) {
        throw ApplicationFailure.nonRetryable(`the saved state of bot ${botId} holds files outside its directory`, 'InvalidState');
      }
      await host.importBot(key, archive);
    },

    /** Forgets a deleted bot's directory (its process is gone: the scaler waits for its socket to close first). */
    async deleteBotState(_poolId: string, key: string, botId: string): Promise<void> {
      const id = await host.containerId(key);
      if (!id) return;
      const info = await docker.getContainer(id).inspect();
      if (!info.State.Running) return;
      const { exitCode } = await execInContainer(docker.getContainer(id), ['rm', '-rf', '--', `${FREQTRADE_POOL_DIR}/bots/${botId}`], `${BOT_UID}:${BOT_UID}`);
      if (exitCode !== 0) throw new Error(`the directory of bot ${botId} was not deleted from ${key} (rm exited ${exitCode})`);
    },

    async removePoolContainer(_poolId: string, key: string, keepState: boolean): Promise<void> {
      await deps.gateway.route(key, []);
      const id = await host.containerId(key);
      if (id) {
        await docker.getContainer(id).remove({ force: true }).catch((error: unknown) => {
          if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
        });
      }
      await deps.channels.remove(poolSocketDirName(key));
      if (keepState) return;
      await docker.getVolume(freqtradePoolVolumeName(key)).remove().catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
    },
  };
}

// Pool containers on one Docker host: the activities a worker next to that engine serves on `docker@<host>`.
// Every call is idempotent: containers are found by their labels and names (`tf-pool-<key>`), a bot's saved state lives
// in the container's named volume (`tf-pool-<key>-state`), and a container's bot list is rewritten whole from
// PostgreSQL under a per-container lock, so writers racing each other always leave the latest list. A pool container has
// no network: its bots' APIs and its egress proxy are sockets in its directory (`<BOT_SOCKET_DIR>/p-<key>` at /run/tf),
// the proxy allowing the union of its bots' exchange hosts, and this host's gateway (bot-gateway.ts) joins each bot's
// port to its socket.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import type Docker from 'dockerode';
import { botApiSocketName, CONTAINER_SOCKET_DIR, poolSocketDirName } from '../domain/bot-channel.js';
import { BOT_HOST_CONFIG_FILE_ENV, type BotHostConfig } from '../domain/bot-host-config.js';
import { poolLabels, type ObservedContainer } from '../domain/pool.js';
import { withContainerLock, type ContainerStats } from '../db/pools.js';
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';
import type { BotChannels } from './bot-channels.js';
import type { BotGateway } from './bot-gateway.js';
import { HOST_CONTROL_SOCKET_ENV, HOST_CONTROL_SOCKET_NAME, pushHostConfig } from './bot-host-control.js';
import { confinedHostConfig, createBotHostSpecs } from './bot-host-spec.js';
import { BOT_UID, hardenedHostConfig } from './container-hardening.js';
import { execInContainer } from './docker-exec.js';
import { cpuPercent, workingSetBytes, type DockerStats } from './docker-stats.js';
import { readTarFile, singleFileTar, streamToBuffer } from './tar.js';

export interface PoolDockerDeps {
  docker: Docker;
  db: Db;
  box: SecretBox;
  paperExchangeUrl: string;
  image: string;
  cpus: number;
  pidsLimit: number;
  /** This host's socket directories (BOT_SOCKET_DIR) and the egress proxy of each. */
  socketRoot: string;
  channels: BotChannels;
  /** How the platform reaches this host's pooled bots: each bot's API port joined to its socket. */
  gateway: BotGateway;
  /** The bot hosts' LOG_LEVEL (info when absent). */
  logLevel?: string;
}

export type ObservedPoolContainer = ObservedContainer & ContainerStats;

const CONFIG_DIR = '/config';
const CONFIG_FILE = 'bot-host.json';
const STATE_DIR = '/state';
export const STATE_DIR_ENV = 'TF_BOT_HOST_STATE_DIR';
export const poolContainerName = (key: string): string => `tf-pool-${key}`;
export const poolVolumeName = (key: string): string => `tf-pool-${key}-state`;

const status = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

/**
 * A container's Docker stats are sampled at most this often: each sample costs the engine a second of reading cgroups,
 * and a pool of a thousand bots has dozens of containers observed every 10 s, slowing the bot-list writes placement
 * waits for. Memory and CPU on the pools page are at most this old.
 */
export const STATS_MAX_AGE_MS = 30_000;

export function createPoolDockerActivities(deps: PoolDockerDeps) {
  const { docker, db } = deps;
  const sampled = new Map<string, { at: number; stats: Promise<DockerStats | null> }>();

  function statsOf(containerId: string): Promise<DockerStats | null> {
    const last = sampled.get(containerId);
    if (last && Date.now() - last.at < STATS_MAX_AGE_MS) return last.stats;
    const stats = docker.getContainer(containerId).stats({ stream: false }).then((x) => x as DockerStats, () => null);
    sampled.set(containerId, { at: Date.now(), stats });
    // Containers come and go: forget samples nobody will ask for again.
    for (const [id, s] of sampled) if (Date.now() - s.at > 10 * STATS_MAX_AGE_MS) sampled.delete(id);
    return stats;
  }

  async function find(poolId: string, key: string) {
    const found = await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${poolId}`, `tradefleet.pool-container=${key}`] } });
    return found[0] ?? null;
  }

  async function configFor(ids: readonly string[], tx: Db): Promise<BotHostConfig> {
    // One query for the whole list (a bot deleted since the list was read is left out: it must not run).
    const bots = await createBotHostSpecs({ db: tx, box: deps.box, paperExchangeUrl: deps.paperExchangeUrl }).hostedBots(ids);
    return { listenHost: '127.0.0.1', bots };
  }

  /**
   * The container's bot list, its egress allowlist and its gateway routes, all from the same rows. A running host takes
   * the list over its control socket; otherwise (`containerId` of a container not started yet, or no socket answering)
   * the list goes in as a file through the engine, which the host reads at start or on its next poll.
   */
  async function writeBots(poolId: string, key: string, ids: readonly string[], tx: Db, containerId?: string): Promise<'socket' | 'file'> {
    const { config, egressAllow } = confinedHostConfig(await configFor(ids, tx));
    const socketDir = await deps.channels.prepare(poolSocketDirName(key), egressAllow);
    // The ports first: they only forward to the sockets the bots open, and a slow push below must not leave a placed
    // bot's port shut (its health check would see a refusal until the write's retry got through).
    await deps.gateway.route(key, config.bots);
    let via: 'socket' | 'file' = 'socket';
    if (containerId || !(await pushHostConfig(path.join(socketDir, HOST_CONTROL_SOCKET_NAME), JSON.stringify(config)))) {
      via = 'file';
      const id = containerId ?? (await find(poolId, key))?.Id;
      if (!id) throw new Error(`pool container ${key} does not exist`);
      await writeConfig(id, config);
    }
    return via;
  }

  async function writeConfig(containerId: string, config: BotHostConfig): Promise<void> {
    const archive = singleFileTar(CONFIG_FILE, JSON.stringify(config), { uid: BOT_UID, gid: BOT_UID, mode: 0o600 });
    await docker.getContainer(containerId).putArchive(archive, { path: CONFIG_DIR });
  }

  /** The bot's API sockets on this host that still answer (in any pool container's directory: it may have moved). */
  async function socketsOf(botId: string): Promise<string[]> {
    const dirs = (await fs.readdir(deps.socketRoot).catch(() => [] as string[])).filter((d) => d.startsWith(poolSocketDirName('')) && !d.includes('.'));
    const paths = dirs.map((d) => path.join(deps.socketRoot, d, botApiSocketName(botId)));
    const states = await Promise.all(paths.map(socketState));
    return paths.filter((_, i) => states[i] === 'open');
  }

  /** Runs `fn` with a container that mounts the key's state volume: the pool container, or a never-started stand-in. */
  async function withStateContainer<T>(poolId: string, key: string, fn: (c: Docker.Container) => Promise<T>): Promise<T> {
    const existing = await find(poolId, key);
    if (existing) return fn(docker.getContainer(existing.Id));
    const standIn = await docker.createContainer({
      Image: deps.image,
      Labels: { 'tradefleet.managed': 'true', 'tradefleet.pool-state-of': key },
      User: `${BOT_UID}:${BOT_UID}`,
      HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: poolVolumeName(key), Target: STATE_DIR }] },
    });
    try {
      return await fn(standIn);
    } finally {
      await standIn.remove({ force: true, v: true }).catch(() => undefined);
    }
  }

  return {
    /** Creates (once), configures and starts the pool container `key`; a repeated call finds and starts the same one. */
    async ensurePoolContainer(poolId: string, key: string, memoryMb: number): Promise<string> {
      let found = await find(poolId, key);
      if (found && found.HostConfig?.NetworkMode !== 'none') {
        // Made before pool containers lost their network: made again, its bots' state stays in the named volume.
        await docker.getContainer(found.Id).remove({ force: true, v: true });
        found = null;
      }
      if (!found) {
        // Its allowlist follows with its first bot list, below.
        const socketDir = await deps.channels.prepare(poolSocketDirName(key), []);
        try {
          await docker.createContainer({
            name: poolContainerName(key),
            Image: deps.image,
            Labels: poolLabels(poolId, key),
            Env: [
              `${BOT_HOST_CONFIG_FILE_ENV}=${CONFIG_DIR}/${CONFIG_FILE}`,
              `${STATE_DIR_ENV}=${STATE_DIR}`,
              `${HOST_CONTROL_SOCKET_ENV}=${CONTAINER_SOCKET_DIR}/${HOST_CONTROL_SOCKET_NAME}`,
              ...(deps.logLevel ? [`LOG_LEVEL=${deps.logLevel}`] : []),
            ],
            Volumes: { [CONFIG_DIR]: {} },
            User: `${BOT_UID}:${BOT_UID}`,
            NetworkDisabled: true,
            HostConfig: hardenedHostConfig(
              { memoryMb, cpus: deps.cpus, pidsLimit: deps.pidsLimit, tmpMb: 16 },
              {
                Mounts: [
                  { Type: 'volume', Source: poolVolumeName(key), Target: STATE_DIR },
                  { Type: 'bind', Source: socketDir, Target: CONTAINER_SOCKET_DIR },
                ],
              },
            ),
          });
        } catch (error) {
          if (status(error) === 404) throw ApplicationFailure.nonRetryable(`bot image ${deps.image} is missing on this Docker host; run the setup to build it`, 'ImageMissing');
          if (status(error) === 400) throw ApplicationFailure.nonRetryable(`Docker refused the container: ${(error as Error).message}`, 'DockerRefused');
          if (status(error) !== 409) throw error; // 409: a retried create already made it
        }
        found = await find(poolId, key);
        if (!found) throw new Error(`pool container ${key} vanished right after it was created`);
      }
      await withContainerLock(db, key, async (ids, tx) => writeBots(poolId, key, ids, tx, found.State === 'running' ? undefined : found.Id));
      if (found.State !== 'running') {
        await docker.getContainer(found.Id).start().catch((error: unknown) => {
          if (status(error) !== 304) throw error;
        });
      }
      return found.Id;
    },

    /** The pool's containers on this host, with memory and CPU from Docker's stats for the running ones. */
    async observePoolContainers(poolId: string, host: string): Promise<ObservedPoolContainer[]> {
      const found = await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${poolId}`] } });
      return Promise.all(
        found.map(async (c) => {
          const key = c.Labels['tradefleet.pool-container'] ?? '';
          const running = c.State === 'running';
          const base = { key, host, running, memoryMb: null, memoryBytes: null, memoryLimitBytes: null, cpuPercent: null };
          if (!running) return base;
          const stats = await statsOf(c.Id);
          if (!stats) return base;
          const usage = workingSetBytes(stats);
          return {
            ...base,
            memoryMb: Math.round(usage / 2 ** 20),
            memoryBytes: usage,
            memoryLimitBytes: stats.memory_stats?.limit ?? null,
            cpuPercent: cpuPercent(stats),
          };
        }),
      );
    },

    /**
     * Rewrites the container's bot list from PostgreSQL (bots placed there and attached); the host applies it live.
     * Answers how many bots the list holds and how it went in (`socket`: applied when this returns).
     */
    async writeContainerBots(poolId: string, key: string): Promise<{ bots: number; via: 'socket' | 'file' }> {
      return withContainerLock(db, key, async (ids, tx) => ({ bots: ids.length, via: await writeBots(poolId, key, ids, tx) }));
    },

    /**
     * Waits until a bot removed from a container has let go of its API socket (so its state file is final): the host
     * closes it only after saving. `apiPort` is what older scalers pass; the socket is what counts.
     */
    async waitBotReleased(botId: string, _apiPort?: number): Promise<void> {
      for (let i = 0; i < 60; i++) {
        if ((await socketsOf(botId)).length === 0) return;
        await sleep(250);
      }
      throw new Error(`bot ${botId} still answers on its socket 15 s after its container dropped it`);
    },

    /** The bot's saved state file (base64), or null when it has none. */
    async exportBotState(poolId: string, key: string, botId: string): Promise<string | null> {
      return withStateContainer(poolId, key, async (c) => {
        try {
          const tar = await c.getArchive({ path: `${STATE_DIR}/${botId}.json` });
          const content = readTarFile(await streamToBuffer(tar));
          return content === null ? null : content.toString('base64');
        } catch (error) {
          if (status(error) === 404) return null;
          throw error;
        }
      });
    },

    async importBotState(poolId: string, key: string, botId: string, base64: string): Promise<void> {
      const found = await find(poolId, key);
      if (!found) throw new Error(`pool container ${key} does not exist`);
      const archive = singleFileTar(`${botId}.json`, Buffer.from(base64, 'base64').toString('utf8'), { uid: BOT_UID, gid: BOT_UID, mode: 0o600 });
      await docker.getContainer(found.Id).putArchive(archive, { path: STATE_DIR });
    },

    /** Forgets a deleted bot's saved state. */
    async deleteBotState(poolId: string, key: string, botId: string): Promise<void> {
      const found = await find(poolId, key);
      if (!found || found.State !== 'running') return;
      const { exitCode } = await execInContainer(docker.getContainer(found.Id), ['rm', '-f', `${STATE_DIR}/${botId}.json`], `${BOT_UID}:${BOT_UID}`);
      if (exitCode !== 0) throw new Error(`the saved state of bot ${botId} was not deleted from ${key} (rm exited ${exitCode})`);
    },

    /** Removes the container and (unless `keepState`) its state volume; a missing one is fine. */
    async removePoolContainer(poolId: string, key: string, keepState: boolean): Promise<void> {
      const found = await find(poolId, key);
      await deps.gateway.route(key, []);
      if (found) {
        // `v`: its anonymous /config volume goes too (it holds the bots' API credentials); the named state volume stays.
        await docker.getContainer(found.Id).remove({ force: true, v: true }).catch((error: unknown) => {
          if (status(error) !== 404 && status(error) !== 409) throw error;
        });
      }
      await deps.channels.remove(poolSocketDirName(key));
      if (keepState) return;
      await docker.getVolume(poolVolumeName(key)).remove().catch((error: unknown) => {
        if (status(error) !== 404) throw error;
      });
    },
  };
}

export type PoolDockerActivities = ReturnType<typeof createPoolDockerActivities>;

/**
 * Whether a socket still has a listener: `closed` only when the connection is refused or the file is gone. A connect
 * that times out proves nothing (on a busy machine the bot may still hold it and not have saved its final state).
 */
function socketState(socketPath: string): Promise<'open' | 'closed'> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve('open')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(['ECONNREFUSED', 'ENOENT', 'ENOTDIR'].includes(error.code ?? '') ? 'closed' : 'open'));
    socket.once('timeout', () => (socket.destroy(), resolve('open')));
  });
}

// FreqTrade pool containers on one Docker host: one container runs many real FreqTrade bots, each forked from a parent
// that imported FreqTrade once (freqtrade/tf_pool.py) and sandboxed in namespaces of its own (tf_sandbox.py). The
// container has no network; its named volume (`tf-ftpool-<key>`, at /pool) holds the pool's scripts, its bot list
// (pool.json), each bot's directory (config, strategy, trade database) and the parent's status.json; its socket
// directory (at /run/tf) holds each bot's API socket (made by the parent) and each bot's own egress directory
// (`e-<botId>/egress.sock`, made by the host with that bot's allowlist).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { FREQTRADE_CONFIG_FILE, FREQTRADE_STRATEGY_FILE, freqtradeImage } from '../domain/freqtrade-config.js';
import { CONTAINER_SOCKET_DIR } from '../domain/bot-channel.js';
import { BOT_UID, hardenedHostConfig } from './container-hardening.js';
import { execInContainer } from './docker-exec.js';
import { poolSecurityOpt } from './sandbox-seccomp.js';
import { readTarFile, streamToBuffer, tarArchive, type TarEntry } from './tar.js';

export const FREQTRADE_POOL_DIR = '/pool';
const SCRIPTS_DIR = '.tf';
const SCRIPTS = ['tf_pool.py', 'tf_preload.py', 'tf_pool_watch.py', 'tf_warden.py', 'tf_sandbox.py', 'tf_channel.py', 'tf_logtail.py', 'tf_merge.py', 'tf_pool_preload.txt', 'tf_pool_warm_config.json'];
const scriptSource = (name: string): string => readFileSync(new URL(`../freqtrade/${name}`, import.meta.url), 'utf8');

export const freqtradePoolContainerName = (key: string): string => `tf-ftpool-${key}`;
export const freqtradePoolVolumeName = (key: string): string => `tf-ftpool-${key}`;
/** A pooled bot's egress directory inside its pool container's socket directory. */
export const poolBotEgressDirName = (botId: string): string => `e-${botId}`;

export interface FreqtradePoolContainerSpec {
  key: string;
  version: string;
  /** The host directory mounted at /run/tf (owned by the bot user). */
  socketDir: string;
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
  labels: Record<string, string>;
  /** Whether the parent marks its memory mergeable for KSM before it forks bots (default: yes). */
  merge?: boolean;
}

export interface PooledFreqtradeBot {
  botId: string;
  apiPort: number;
  /** Private memory the bot may use before the pool restarts it. */
  memoryMb: number;
  /** Seconds without an API answer after which a running bot counts as hung and is restarted (default 60). */
  hungAfterS?: number;
  /** config.json (API credentials, exchange key of a live bot) and the strategy's source. */
  config: string;
  strategy: string;
}

export interface PoolBotStatus {
  state: string;
  pid: number | null;
  restarts: number;
  lastExit: { at: number; code: number; reason: string } | null;
  startedAt: number | null;
  memory: { rss: number; pss: number; uss: number } | null;
  budgetKb: number;
  /** Processes and threads of the bot's pid namespace (its memory above is their sum). */
  processes?: number;
  threads?: number;
}

export interface PoolStatus {
  at: number;
  parent: { pid: number; rss?: number; pss?: number; uss?: number };
  bots: Record<string, PoolBotStatus>;
}

const owned = { uid: BOT_UID, gid: BOT_UID };
/** The strategy a pooled bot runs: its class (named in its config) and its source. */
const strategyDigest = (bot: PooledFreqtradeBot): string =>
  createHash('sha256').update(`${String((JSON.parse(bot.config) as { strategy?: unknown }).strategy)}\0${bot.strategy}`).digest('hex').slice(0, 16);
/** How much of each of a bot's console logs (its last run's and its current run's) is read for its error line. */
const LOG_TAIL_BYTES = 32_768;
/** The venv's python beside FreqTrade's entry point (ours, or the public image's) runs the pool's scripts. */
const poolPython = (script: string): string[] =>
  ['sh', '-c', `exec "$(dirname "$(readlink -f "$(command -v tf-freqtrade)")")/python" ${FREQTRADE_POOL_DIR}/${SCRIPTS_DIR}/${script} "$@"`, script];
const isStatus = (error: unknown, code: number): boolean => (error as { statusCode?: number } | null)?.statusCode === code;

export function createFreqtradePoolHost(docker: Docker) {
  async function findContainer(key: string) {
    const [found] = await docker.listContainers({ all: true, filters: { label: [`tradefleet.ftpool=${key}`] } });
    return found ?? null;
  }

  async function readFile(key: string, path: string): Promise<Buffer | null> {
    const found = await findContainer(key);
    if (!found) return null;
    try {
      const tar = await docker.getContainer(found.Id).getArchive({ path: `${FREQTRADE_POOL_DIR}/${path}` });
      return readTarFile(await streamToBuffer(tar));
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw error;
    }
  }

  return {
    /** Volume, scripts and container (not started); a repeated call finds what it made and writes the scripts again. */
    async ensureContainer(spec: FreqtradePoolContainerSpec): Promise<string> {
      const volume = freqtradePoolVolumeName(spec.key);
      await docker.createVolume({ Name: volume, Labels: { ...spec.labels, 'tradefleet.ftpool': spec.key } });
      let id = (await findContainer(spec.key))?.Id;
      if (!id) {
        const container = await docker.createContainer({
          name: freqtradePoolContainerName(spec.key),
          Image: freqtradeImage(spec.version),
          Labels: { ...spec.labels, 'tradefleet.ftpool': spec.key, 'tradefleet.engine': 'freqtrade', 'tradefleet.freqtrade-version': spec.version },
          Entrypoint: poolPython('tf_pool.py'),
          Cmd: [],
          Env: [`TF_POOL_MERGE=${spec.merge === false ? 0 : 1}`],
          User: `${BOT_UID}:${BOT_UID}`,
          NetworkDisabled: true,
          HostConfig: hardenedHostConfig({ memoryMb: spec.memoryMb, cpus: spec.cpus, pidsLimit: spec.pidsLimit, tmpMb: 16 }, {
            SecurityOpt: poolSecurityOpt(),
            Mounts: [
              { Type: 'volume', Source: volume, Target: FREQTRADE_POOL_DIR },
              { Type: 'bind', Source: spec.socketDir, Target: CONTAINER_SOCKET_DIR },
            ],
          }),
        });
        id = container.id;
      }
      const entries: TarEntry[] = [
        { name: SCRIPTS_DIR, mode: 0o500, ...owned },
        { name: 'bots', mode: 0o700, ...owned },
        { name: 'run', mode: 0o700, ...owned },
        ...SCRIPTS.map((name) => ({ name: `${SCRIPTS_DIR}/${name}`, content: scriptSource(name), mode: 0o400, ...owned })),
      ];
      await docker.getContainer(id).putArchive(tarArchive(entries), { path: FREQTRADE_POOL_DIR });
      return id;
    },

    async start(key: string): Promise<void> {
      const found = await findContainer(key);
      if (!found) throw new Error(`no FreqTrade pool container ${key}`);
      await docker.getContainer(found.Id).start().catch((error: unknown) => {
        if (!isStatus(error, 304)) throw error;
      });
    },

    /**
     * Makes the container's bot list exactly `bots`: each bot's config and strategy written (0600, its own directory),
     * then pool.json, which the parent follows (it starts new bots and stops those that left).
     */
    async writeBots(key: string, bots: readonly PooledFreqtradeBot[]): Promise<void> {
      const found = await findContainer(key);
      if (!found) throw new Error(`no FreqTrade pool container ${key}`);
      const entries: TarEntry[] = [];
      for (const bot of bots) {
        const dir = `bots/${bot.botId}`;
        entries.push(
          { name: dir, mode: 0o700, ...owned },
          { name: `${dir}/user_data`, mode: 0o700, ...owned },
          { name: `${dir}/strategies`, mode: 0o700, ...owned },
          { name: `${dir}/${FREQTRADE_CONFIG_FILE}`, content: bot.config, mode: 0o600, ...owned },
          { name: `${dir}/${FREQTRADE_STRATEGY_FILE}`, content: bot.strategy, mode: 0o600, ...owned },
        );
      }
      // `strategy`: a digest of the strategy the bot runs; the parent restarts a running bot whose digest changes (a
      // strategy move), since FreqTrade loads its strategy only as it starts. A pairs change alone restarts nothing.
      const list = bots.map((b) => ({
        id: b.botId, apiPort: b.apiPort, memoryMb: b.memoryMb, strategy: strategyDigest(b), ...(b.hungAfterS ? { hungAfterS: b.hungAfterS } : {}),
      }));
      entries.push({ name: 'pool.json', content: JSON.stringify({ bots: list }), mode: 0o600, ...owned });
      await docker.getContainer(found.Id).putArchive(tarArchive(entries), { path: FREQTRADE_POOL_DIR });
    },

    /**
     * A bot's whole directory (config, strategy, `user_data` with its trade database) as a tar, for a move. Call it once
     * the bot has left the container's list and its process is gone, so its database is final. The directory is read
     * whole: links the bot made inside it are carried as links, never followed to another bot's files.
     */
    async exportBot(key: string, botId: string): Promise<Buffer> {
      const found = await findContainer(key);
      if (!found) throw new Error(`no FreqTrade pool container ${key}`);
      return streamToBuffer(await docker.getContainer(found.Id).getArchive({ path: `${FREQTRADE_POOL_DIR}/bots/${botId}` }));
    },

    /** Puts a bot's directory exported by `exportBot` into this container (before `writeBots` lists the bot). */
    async importBot(key: string, archive: Buffer): Promise<void> {
      const found = await findContainer(key);
      if (!found) throw new Error(`no FreqTrade pool container ${key}`);
      await docker.getContainer(found.Id).putArchive(archive, { path: `${FREQTRADE_POOL_DIR}/bots` });
    },

    /** The parent's last status (every bot's state, restarts and memory), or null before its first. */
    async status(key: string): Promise<PoolStatus | null> {
      const content = await readFile(key, 'run/status.json');
      return content ? (JSON.parse(content.toString('utf8')) as PoolStatus) : null;
    },

    /** A file of a bot's directory (as the pool's parent sees it). */
    readBotFile: (key: string, botId: string, path: string): Promise<Buffer | null> => readFile(key, `bots/${botId}/${path}`),

    /**
     * The end of a bot's console logs (its last run's, then its current run's: FreqTrade's own output), read in the
     * container as the bots' user without following any link the bot planted in its directory; '' when there is none.
     */
    async botLogTail(key: string, botId: string): Promise<string> {
      const found = await findContainer(key);
      if (!found) return '';
      const run = await execInContainer(docker.getContainer(found.Id), [...poolPython('tf_logtail.py'), botId, String(LOG_TAIL_BYTES)], `${BOT_UID}:${BOT_UID}`);
      return run.stdout;
    },

    containerId: async (key: string): Promise<string | null> => (await findContainer(key))?.Id ?? null,

    /** Removes the container and its volume (every bot's directory). */
    async remove(key: string): Promise<void> {
      const found = await findContainer(key);
      if (found) await docker.getContainer(found.Id).remove({ force: true }).catch((e: unknown) => { if (!isStatus(e, 404)) throw e; });
      await docker.getVolume(freqtradePoolVolumeName(key)).remove().catch((e: unknown) => { if (!isStatus(e, 404)) throw e; });
    },
  };
}

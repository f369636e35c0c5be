// FreqTrade bots as hardened Docker containers without a network, one per bot: a named volume for config, strategy and
// database, and the bot's socket directory for its API and its exchange; found again by their labels (idempotent).
import { ApplicationFailure } from '@temporalio/common';
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { botLabels } from '../domain/bot.js';
import { botApiSocketName, CONTAINER_SOCKET_DIR, dedicatedSocketDirName } from '../domain/bot-channel.js';
import { FREQTRADE_CONFIG_FILE, FREQTRADE_DATA_DIR, FREQTRADE_STRATEGY_FILE, freqtradeImage } from '../domain/freqtrade-config.js';
import type { BotChannels } from './bot-channels.js';
import { BOT_UID, hardenedHostConfig } from './container-hardening.js';
import { tarArchive } from './tar.js';
import { dockerLogText } from './docker-logs.js';
import type { RuntimeState } from './runtime-driver.js';
import { freqtradeErrorLine } from '../domain/freqtrade-log.js';

export interface FreqtradeRuntimeOptions {
  /** The socket directories and egress proxies of this Docker host's bot containers. */
  channels: BotChannels;
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
}

export interface FreqtradeRuntimeSpec {
  botId: string;
  userId: string;
  /** FreqTrade release: the container runs tradefleet/freqtrade:<version>. */
  version: string;
  apiPort: number;
  /** config.json (with the bot's API credentials and, for live bots, its exchange key) and the strategy's source. */
  config: string;
  strategy: string;
  /** host:port pairs the bot's egress proxy lets it reach: its exchange's. */
  egressAllow: string[];
}

export interface FreqtradeRuntimeState extends RuntimeState {
  restartCount: number;
  version: string | null;
}

export type FreqtradeRuntime = ReturnType<typeof createFreqtradeRuntime>;

const containerName = (botId: string): string => `tf-bot-${botId}`;
export const freqtradeVolumeName = (botId: string): string => `tf-bot-${botId}`;
const VERSION_LABEL = 'tradefleet.freqtrade-version';
/** The relay between the container's loopback and its sockets; it starts FreqTrade (see the file). */
const CHANNEL_SCRIPT = readFileSync(new URL('../freqtrade/tf_channel.py', import.meta.url), 'utf8');
const CHANNEL_FILE = 'tf_channel.py';

const isStatus = (error: unknown, code: number): boolean =>
  typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === code;

export function createFreqtradeRuntime(docker: Docker, options: FreqtradeRuntimeOptions) {
  async function findContainer(botId: string): Promise<{ id: string; version: string | null } | null> {
    const found = await docker.listContainers({ all: true, filters: { label: [`tradefleet.bot=${botId}`] } });
    const c = found[0];
    return c ? { id: c.Id, version: c.Labels[VERSION_LABEL] ?? null } : null;
  }

  async function removeContainer(id: string): Promise<void> {
    try {
      await docker.getContainer(id).remove({ force: true, v: true }); // anonymous volumes only; the named one stays
    } catch (error) {
      if (!isStatus(error, 404) && !isStatus(error, 409)) throw error; // 409: removal already in progress
    }
  }

  async function create(spec: FreqtradeRuntimeSpec, socketDir: string): Promise<string> {
    const container = await docker.createContainer({
      name: containerName(spec.botId),
      Image: freqtradeImage(spec.version),
      Labels: { ...botLabels(spec.botId, spec.userId), 'tradefleet.engine': 'freqtrade', [VERSION_LABEL]: spec.version },
      // The venv's python beside the entry point (ours in /opt/freqtrade, or the public image's) runs the relay.
      Entrypoint: ['sh', '-c', `exec "$(dirname "$(readlink -f "$(command -v tf-freqtrade)")")/python" ${FREQTRADE_DATA_DIR}/${CHANNEL_FILE} "$@"`, 'tf-channel'],
      Cmd: ['trade', '--config', `${FREQTRADE_DATA_DIR}/${FREQTRADE_CONFIG_FILE}`],
      Env: [`TF_API_SOCKET=${botApiSocketName(spec.botId)}`, `TF_API_PORT=${spec.apiPort}`],
      User: `${BOT_UID}:${BOT_UID}`,
      // No network at all: the API and the exchange go through the sockets in the bot's own directory.
      NetworkDisabled: true,
      HostConfig: hardenedHostConfig({ ...options, tmpMb: 64 }, {
        Mounts: [
          { Type: 'volume', Source: freqtradeVolumeName(spec.botId), Target: FREQTRADE_DATA_DIR },
          { Type: 'bind', Source: socketDir, Target: CONTAINER_SOCKET_DIR },
        ],
      }),
    });
    return container.id;
  }

  async function findOrCreate(spec: FreqtradeRuntimeSpec, socketDir: string): Promise<string> {
    const existing = await findContainer(spec.botId);
    // Another FreqTrade release (a version move) needs a new container on the same volume.
    if (existing && existing.version === spec.version) return existing.id;
    if (existing) await removeContainer(existing.id);
    try {
      return await create(spec, socketDir);
    } catch (error) {
      if (isStatus(error, 409)) {
        const again = await findContainer(spec.botId);
        if (again && again.version === spec.version) return again.id;
      }
      if (isStatus(error, 404)) {
        throw ApplicationFailure.nonRetryable(`image ${freqtradeImage(spec.version)} is missing on this Docker host; run the setup (npm start) to build it`, 'ImageMissing');
      }
      if (isStatus(error, 400)) throw ApplicationFailure.nonRetryable(`Docker refused the container: ${(error as Error).message}`, 'DockerRefused');
      throw error;
    }
  }

  return {
    kind: 'docker' as const,

    async imageExists(version: string): Promise<boolean> {
      try {
        await docker.getImage(freqtradeImage(version)).inspect();
        return true;
      } catch {
        return false;
      }
    },

    /** Volume, container and files; a repeated call finds what it made and writes the files again. */
    async ensureCreated(spec: FreqtradeRuntimeSpec): Promise<string> {
      await docker.createVolume({ Name: freqtradeVolumeName(spec.botId), Labels: botLabels(spec.botId, spec.userId) });
      const socketDir = await options.channels.prepare(dedicatedSocketDirName(spec.botId), spec.egressAllow);
      const id = await findOrCreate(spec, socketDir);
      const owned = { uid: BOT_UID, gid: BOT_UID };
      const archive = tarArchive([
        { name: 'user_data', mode: 0o700, ...owned },
        { name: 'strategies', mode: 0o700, ...owned },
        { name: FREQTRADE_CONFIG_FILE, content: spec.config, mode: 0o600, ...owned },
        { name: FREQTRADE_STRATEGY_FILE, content: spec.strategy, mode: 0o600, ...owned },
        { name: CHANNEL_FILE, content: CHANNEL_SCRIPT, mode: 0o400, ...owned },
      ]);
      await docker.getContainer(id).putArchive(archive, { path: FREQTRADE_DATA_DIR });
      return id;
    },

    async start(botId: string): Promise<void> {
      const found = await findContainer(botId);
      if (!found) throw new Error(`no container for bot ${botId}`);
      try {
        await docker.getContainer(found.id).start();
      } catch (error) {
        if (!isStatus(error, 304)) throw error; // 304: already running
      }
    },

    async stop(botId: string): Promise<void> {
      const found = await findContainer(botId);
      if (!found) return;
      try {
        await docker.getContainer(found.id).stop({ t: 10 });
      } catch (error) {
        if (!isStatus(error, 304) && !isStatus(error, 404)) throw error;
      }
    },

    /** Writes files (a tar archive of paths under the bot's data directory) into a created bot's volume. */
    async putFiles(botId: string, archive: Buffer): Promise<void> {
      const found = await findContainer(botId);
      if (!found) throw new Error(`no container for bot ${botId}`);
      await docker.getContainer(found.id).putArchive(archive, { path: FREQTRADE_DATA_DIR });
    },

    /** Removes the container and the bot's volume (its config, strategy and trade database). */
    async remove(botId: string): Promise<void> {
      const found = await findContainer(botId);
      if (found) await removeContainer(found.id);
      await options.channels.remove(dedicatedSocketDirName(botId));
      try {
        await docker.getVolume(freqtradeVolumeName(botId)).remove();
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    },

    async inspect(botId: string): Promise<FreqtradeRuntimeState> {
      const found = await findContainer(botId);
      if (!found) return { exists: false, running: false, restartCount: 0, version: null };
      try {
        const info = await docker.getContainer(found.id).inspect();
        return {
          exists: true,
          running: info.State.Running && !info.State.Restarting,
          exitCode: info.State.Running ? null : info.State.ExitCode,
          runtimeId: found.id,
          restartCount: info.RestartCount,
          version: found.version,
        };
      } catch (error) {
        if (isStatus(error, 404)) return { exists: false, running: false, restartCount: 0, version: null };
        throw error;
      }
    },

    /** FreqTrade's last logged error, for telling the user why the bot did not start; `secrets` are masked out of it. */
    async lastError(botId: string, secrets: readonly string[] = []): Promise<string | null> {
      const found = await findContainer(botId);
      if (!found) return null;
      const logs = await docker.getContainer(found.id).logs({ stdout: true, stderr: true, tail: 200, follow: false });
      return freqtradeErrorLine(dockerLogText(logs as unknown as Buffer), secrets);
    },
  };
}

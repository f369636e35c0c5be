// Dedicated builtin bots as hardened Docker containers without a network, found again by their labels so every call is
// idempotent. Like a FreqTrade bot's, the container's only ways out are the sockets in its own directory
// (`<BOT_SOCKET_DIR>/b-<botId>` at /run/tf): its API socket and the egress proxy that reaches its exchange.
import { ApplicationFailure } from '@temporalio/common';
import type Docker from 'dockerode';
import { botLabels } from '../domain/bot.js';
import { CONTAINER_SOCKET_DIR, dedicatedSocketDirName } from '../domain/bot-channel.js';
import { BOT_HOST_CONFIG_FILE_ENV } from '../domain/bot-host-config.js';
import type { BotChannels } from './bot-channels.js';
import { HOST_CONTROL_SOCKET_ENV, HOST_CONTROL_SOCKET_NAME } from './bot-host-control.js';
import { confinedHostConfig } from './bot-host-spec.js';
import { BOT_UID, hardenedHostConfig } from './container-hardening.js';
import { readTarFile, singleFileTar, streamToBuffer } from './tar.js';
import type { BotRuntimeDriver, RuntimeSpec, RuntimeState } from './runtime-driver.js';

export interface DockerRuntimeOptions {
  image: string;
  /** The socket directories and egress proxies of this Docker host's bot containers. */
  channels: BotChannels;
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
  /** The bot hosts' LOG_LEVEL (the platform's own by default: info). */
  logLevel?: string;
}

const containerName = (botId: string): string => `tf-bot-${botId}`;
const CONFIG_DIR = '/config';
const CONFIG_FILE = 'bot-host.json';
/** The bot image's state volume (bot/Dockerfile: VOLUME /state) and a bot's file in it, as pool containers keep them. */
const STATE_DIR = '/state';
const stateFileName = (botId: string): string => `${botId}.json`;

const isStatus = (error: unknown, code: number): boolean =>
  typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === code;

export function createDockerRuntime(docker: Docker, options: DockerRuntimeOptions): BotRuntimeDriver {
  async function writeHostConfig(id: string, spec: RuntimeSpec, config = confinedHostConfig(spec.host).config): Promise<void> {
    const archive = singleFileTar(CONFIG_FILE, JSON.stringify(config), { uid: BOT_UID, gid: BOT_UID, mode: 0o600 });
    await docker.getContainer(id).putArchive(archive, { path: CONFIG_DIR });
  }

  async function findContainerId(botId: string): Promise<string | null> {
    const found = await docker.listContainers({ all: true, filters: { label: [`tradefleet.bot=${botId}`] } });
    return found[0]?.Id ?? null;
  }

  async function create(spec: RuntimeSpec, socketDir: string): Promise<string> {
    const container = await docker.createContainer({
      name: containerName(spec.botId),
      Image: options.image,
      Labels: botLabels(spec.botId, spec.userId),
      // The config (with the bot's API credentials) goes into the container's own volume, not its environment.
      // The control socket serves the host's metrics to the worker (telemetry/bot-host-metrics.ts).
      Env: [
        `${BOT_HOST_CONFIG_FILE_ENV}=${CONFIG_DIR}/${CONFIG_FILE}`, `${HOST_CONTROL_SOCKET_ENV}=${CONTAINER_SOCKET_DIR}/${HOST_CONTROL_SOCKET_NAME}`,
        ...(options.logLevel ? [`LOG_LEVEL=${options.logLevel}`] : []),
      ],
      Volumes: { [CONFIG_DIR]: {} },
      User: `${BOT_UID}:${BOT_UID}`,
      NetworkDisabled: true,
      HostConfig: hardenedHostConfig({ ...options, tmpMb: 16 }, {
        Mounts: [{ Type: 'bind', Source: socketDir, Target: CONTAINER_SOCKET_DIR }],
      }),
    });
    return container.id;
  }

  /**
   * A container made before dedicated bots lost their network (host network, no socket directory) cannot serve its API
   * on a socket: it is made again, and its saved state (open trades) is carried from its /state volume into the new one.
   */
  async function replaceIfNetworked(id: string, spec: RuntimeSpec, socketDir: string): Promise<string> {
    const old = docker.getContainer(id);
    const info = await old.inspect();
    if (info.HostConfig.NetworkMode === 'none') return id;
    await old.stop({ t: 10 }).catch((error: unknown) => {
      if (!isStatus(error, 304) && !isStatus(error, 404)) throw error; // stopping saves the bot's last state
    });
    const saved = await old.getArchive({ path: `${STATE_DIR}/${stateFileName(spec.botId)}` }).then(streamToBuffer, (error: unknown) => {
      if (isStatus(error, 404)) return null;
      throw error;
    });
    await old.remove({ force: true, v: true }).catch((error: unknown) => {
      if (!isStatus(error, 404) && !isStatus(error, 409)) throw error;
    });
    const created = await create(spec, socketDir);
    const content = saved && readTarFile(saved);
    if (content) {
      await docker.getContainer(created).putArchive(singleFileTar(stateFileName(spec.botId), content.toString('utf8'), { uid: BOT_UID, gid: BOT_UID, mode: 0o600 }), { path: STATE_DIR });
    }
    return created;
  }

  async function findOrCreate(spec: RuntimeSpec, socketDir: string): Promise<string> {
    const existing = await findContainerId(spec.botId);
    if (existing) return replaceIfNetworked(existing, spec, socketDir);
    try {
      return await create(spec, socketDir);
    } catch (error) {
      // A concurrent or retried create won the name: the container exists, so use it.
      if (isStatus(error, 409)) {
        const id = await findContainerId(spec.botId);
        if (id) return id;
      }
      if (isStatus(error, 404)) {
        throw ApplicationFailure.nonRetryable(`bot image ${options.image} is missing on this Docker host; run the setup (npm start) to build it`, 'ImageMissing');
      }
      // Docker refuses a bad container spec the same way every time: retrying cannot help.
      if (isStatus(error, 400)) throw ApplicationFailure.nonRetryable(`Docker refused the container: ${(error as Error).message}`, 'DockerRefused');
      throw error;
    }
  }

  return {
    kind: 'docker',
    async ensureCreated(spec) {
      const { config, egressAllow } = confinedHostConfig(spec.host);
      const socketDir = await options.channels.prepare(dedicatedSocketDirName(spec.botId), egressAllow);
      const id = await findOrCreate(spec, socketDir);
      // Written on every call, so a retry after a crash between create and write still leaves a complete container.
      await writeHostConfig(id, spec, config);
      return id;
    },
    async start(botId, spec) {
      const found = await findContainerId(botId);
      if (!found) throw new Error(`no container for bot ${botId}`);
      // Its directory and egress proxy again: gone if the machine restarted (BOT_SOCKET_DIR under /tmp) since it was made.
      const socketDir = await options.channels.prepare(dedicatedSocketDirName(botId), confinedHostConfig(spec.host).egressAllow);
      const id = await replaceIfNetworked(found, spec, socketDir);
      if (id !== found) await writeHostConfig(id, spec);
      try {
        await docker.getContainer(id).start();
      } catch (error) {
        if (!isStatus(error, 304)) throw error; // 304: already running
      }
    },
    async stop(botId) {
      const id = await findContainerId(botId);
      if (!id) return;
      try {
        await docker.getContainer(id).stop({ t: 10 });
      } catch (error) {
        if (!isStatus(error, 304) && !isStatus(error, 404)) throw error;
      }
    },
    async remove(botId) {
      const id = await findContainerId(botId);
      if (id) {
        try {
          await docker.getContainer(id).remove({ force: true, v: true });
        } catch (error) {
          if (!isStatus(error, 404) && !isStatus(error, 409)) throw error; // 409: removal already in progress
        }
      }
      await options.channels.remove(dedicatedSocketDirName(botId));
    },
    async inspect(botId): Promise<RuntimeState> {
      const id = await findContainerId(botId);
      if (!id) return { exists: false, running: false };
      try {
        const info = await docker.getContainer(id).inspect();
        return { exists: true, running: info.State.Running, exitCode: info.State.Running ? null : info.State.ExitCode, runtimeId: id };
      } catch (error) {
        if (isStatus(error, 404)) return { exists: false, running: false };
        throw error;
      }
    },
  };
}

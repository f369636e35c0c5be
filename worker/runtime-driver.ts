// Picks the bot runtime driver (Docker when an engine answers and has the bot image, else local processes) and the
// Docker client FreqTrade bots and strategy checks need (none without an engine).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import type { PlatformConfig } from '../domain/config.js';
import { createBotChannels, type BotChannels } from '../activities/bot-channels.js';
import { createDockerRuntime } from '../activities/docker-runtime.js';
import { createFreqtradeRuntime, type FreqtradeRuntime } from '../activities/freqtrade-runtime.js';
import { createProcessRuntime } from '../activities/process-runtime.js';
import type { BotRuntimeDriver } from '../activities/runtime-driver.js';
import { traceDocker } from '../telemetry/trace-docker.js';

// The repository (or image) root, where dist/ holds the bot host bundle: one level up from worker/x.ts, three from the
// compiled dist/app/worker/x.js.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), import.meta.url.endsWith('.js') ? '../../..' : '..');
export const botHostScript = path.join(root, 'dist', 'bot-host', 'bot-host.mjs');

async function dockerUsable(docker: Docker, image: string): Promise<string | null> {
  try {
    await docker.ping();
  } catch {
    return 'no Docker engine answers';
  }
  try {
    await docker.getImage(image).inspect();
    return null;
  } catch {
    return `the Docker engine has no image ${image}`;
  }
}

export async function chooseRuntimeDriver(config: PlatformConfig, log: (line: string) => void): Promise<BotRuntimeDriver> {
  const docker = traceDocker(new Docker());
  if (config.BOT_DRIVER !== 'process') {
    const problem = await dockerUsable(docker, config.BOT_IMAGE);
    if (!problem) {
      return createDockerRuntime(docker, {
        image: config.BOT_IMAGE,
        channels: botChannelsFor(config),
        memoryMb: config.BOT_MEMORY_MB,
        cpus: config.BOT_CPUS,
        pidsLimit: config.BOT_PIDS_LIMIT,
        logLevel: config.LOG_LEVEL,
      });
    }
    if (config.BOT_DRIVER === 'docker') throw new Error(`BOT_DRIVER=docker but ${problem}`);
    log(`bots run as local processes: ${problem}`);
  }
  return createProcessRuntime({ dataDir: path.resolve(config.TF_DATA_DIR, 'bots'), hostScript: botHostScript, logLevel: config.LOG_LEVEL });
}

/** FreqTrade bots always run in Docker: without an engine there is no such runtime (and such bots are refused). */
export async function chooseDocker(): Promise<Docker | null> {
  const docker = traceDocker(new Docker());
  try {
    await docker.ping();
    return docker;
  } catch {
    return null;
  }
}

const channelsByDir = new Map<string, BotChannels>();

/**
 * The socket directories and egress proxies of this worker's Docker engine: dedicated containers (`b-*`, a worker with
 * WORKER_ROLE=all) and pool containers (`p-*`, every worker serves its own engine's pool). One set per process and
 * directory, so the dedicated, FreqTrade and pool runtimes share their proxies. Two Docker hosts on one machine need
 * their own BOT_SOCKET_DIR each: a worker restarting listens again for every directory under its root it owns.
 */
export function botChannelsFor(config: PlatformConfig): BotChannels {
  let channels = channelsByDir.get(config.BOT_SOCKET_DIR);
  if (!channels) {
    channels = createBotChannels(config.BOT_SOCKET_DIR, (name) => name.startsWith('p-') || (name.startsWith('b-') && config.WORKER_ROLE === 'all'));
    channelsByDir.set(config.BOT_SOCKET_DIR, channels);
  }
  return channels;
}

/** Stops every egress proxy this process listens with (a worker shutting down; bots' directories stay for the next one). */
export async function closeBotChannels(): Promise<void> {
  for (const channels of channelsByDir.values()) await channels.close();
  channelsByDir.clear();
}

export function freqtradeRuntimeFor(docker: Docker | null, config: PlatformConfig): FreqtradeRuntime | null {
  if (!docker) return null;
  return createFreqtradeRuntime(docker, {
    channels: botChannelsFor(config),
    memoryMb: config.FREQTRADE_MEMORY_MB,
    cpus: config.FREQTRADE_CPUS,
    pidsLimit: config.FREQTRADE_PIDS_LIMIT,
  });
}

// The worker next to one Docker engine: serves that engine's pool-container activities on `docker@<DOCKER_HOST_NAME>`.
// The main worker runs one for its own engine; an extra Docker host runs only this (WORKER_ROLE=docker-host), with
// DOCKER_HOST pointing dockerode at that engine's socket.
import type { Client } from '@temporalio/client';
import type Docker from 'dockerode';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createBotGateway, type BotGateway } from '../activities/bot-gateway.js';
import { createOrphanSweepActivities } from '../activities/orphan-sweep.js';
import { createFreqtradePoolContainers } from '../activities/freqtrade-pool-containers.js';
import { createPoolDockerActivities } from '../activities/pool-containers.js';
import { poolWorkflowInput } from '../activities/pool-placement.js';
import { secretKeyRing, type PlatformConfig } from '../domain/config.js';
import { DEFAULT_FREQTRADE_VERSION } from '../domain/freqtrade-config.js';
import { defaultFreqtradePoolSettings, freqtradePoolId, isFreqtradePool } from '../domain/freqtrade-pool.js';
import { defaultPoolSettings, type PoolSettings } from '../domain/pool.js';
import { dockerQueue, poolWorkflowId } from '../domain/workflow-ids.js';
import type { Db } from '../db/pool.js';
import { placedBotsOnHost, registerDockerHost } from '../db/pools.js';
import { createSecretBox } from '../db/secret-box.js';
import { botChannelsFor } from './runtime-driver.js';
import { watchBotHosts } from '../telemetry/bot-host-metrics.js';
import { workerTracing } from '../telemetry/tracing.js';
import { createFreqtradePoolRuntimes } from '../activities/freqtrade-pool-runtimes.js';

export interface DockerHostWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  dataConverter: Parameters<typeof Worker.create>[0]['dataConverter'];
  config: PlatformConfig;
  db: Db;
  docker: Docker;
}

/** Where the platform reaches this host's pooled bots: its gateway's address. */
export const dockerHostApiAddress = (config: PlatformConfig): string => config.BOT_API_ADDRESS || config.BOT_API_HOST;

const gateways = new Map<string, BotGateway>();

/**
 * This host's gateway to its pooled bots: one per process, address and socket root, so a worker created again in the
 * same process (tests restart them) keeps its listeners; a new process opens the routes its containers' lists hold.
 */
export function botGatewayFor(config: PlatformConfig, db: Db): BotGateway {
  const id = `${dockerHostApiAddress(config)} ${config.BOT_SOCKET_DIR}`;
  let gateway = gateways.get(id);
  if (!gateway) {
    gateway = createBotGateway(dockerHostApiAddress(config), config.BOT_SOCKET_DIR, () => placedBotsOnHost(db, config.DOCKER_HOST_NAME));
    gateways.set(id, gateway);
  }
  return gateway;
}

/** Closes the gateway of `config`'s host, or every gateway this process listens with (a worker shutting down). */
export async function closeBotGateways(config?: PlatformConfig): Promise<void> {
  for (const [id, gateway] of [...gateways]) {
    if (config && id !== `${dockerHostApiAddress(config)} ${config.BOT_SOCKET_DIR}`) continue;
    gateways.delete(id);
    await gateway.close();
  }
}

export function dockerHostActivities(config: PlatformConfig, db: Db, docker: Docker) {
  const pool = createPoolDockerActivities({
    docker,
    db,
    box: createSecretBox(secretKeyRing(config)),
    paperExchangeUrl: config.PAPER_EXCHANGE_URL,
    image: config.BOT_IMAGE,
    cpus: config.BOT_CPUS,
    pidsLimit: config.BOT_PIDS_LIMIT,
    socketRoot: config.BOT_SOCKET_DIR,
    channels: botChannelsFor(config),
    gateway: botGatewayFor(config, db),
    logLevel: config.LOG_LEVEL,
  });
  const freqtrade = createFreqtradePoolContainers({
    docker,
    db,
    box: createSecretBox(secretKeyRing(config)),
    paperExchangeUrl: config.PAPER_EXCHANGE_URL,
    version: DEFAULT_FREQTRADE_VERSION,
    cpus: Math.max(config.FREQTRADE_CPUS, 2),
    botMemoryMb: config.FREQTRADE_POOL_BOT_MEMORY_MB,
    merge: config.FREQTRADE_POOL_MERGE === 'on',
    channels: botChannelsFor(config),
    gateway: botGatewayFor(config, db),
  });
  const runtimes = createFreqtradePoolRuntimes({ docker, db, box: createSecretBox(secretKeyRing(config)) });
  // One recording per pool at a time: a cycle that finds the last one still busy leaves its news to the next cycle.
  const recording = new Set<string>();
  const recordInBackground = (poolId: string, keys: string[]) => {
    if (recording.has(poolId)) return;
    recording.add(poolId);
    void runtimes.recordPoolBotRuntimes(keys).catch(() => undefined).finally(() => recording.delete(poolId));
  };
  // One set of activity names for both kinds of pool: the pool's id says which containers it runs.
  const kindOf = (poolId: string) => (isFreqtradePool(poolId) ? freqtrade : pool);
  return {
    ...pool,
    // Each cycle's look at a FreqTrade pool's containers also records what their parents say of each bot's process,
    // after the look has answered: the scaler judges containers by what it saw, and one it created while a slower look
    // was under way would be judged gone (a full CI run saw a drain's new container replaced so, and the drain stall).
    observePoolContainers: async (poolId: string, host: string) => {
      const observed = await pool.observePoolContainers(poolId, host);
      if (isFreqtradePool(poolId)) recordInBackground(poolId, observed.filter((o) => o.running).map((o) => o.key));
      return observed;
    },
    ensurePoolContainer: (poolId: string, key: string, memoryMb: number) => kindOf(poolId).ensurePoolContainer(poolId, key, memoryMb),
    writeContainerBots: (poolId: string, key: string) => kindOf(poolId).writeContainerBots(poolId, key),
    exportBotState: (poolId: string, key: string, botId: string) => kindOf(poolId).exportBotState(poolId, key, botId),
    importBotState: (poolId: string, key: string, botId: string, base64: string) => kindOf(poolId).importBotState(poolId, key, botId, base64),
    deleteBotState: (poolId: string, key: string, botId: string) => kindOf(poolId).deleteBotState(poolId, key, botId),
    removePoolContainer: (poolId: string, key: string, keepState: boolean) => kindOf(poolId).removePoolContainer(poolId, key, keepState),
    // The fleet reconciler's sweep of leftovers runs next to the engine it sweeps.
    ...createOrphanSweepActivities({ docker, db }),
  };
}

export async function createDockerHostWorker(deps: DockerHostWorkerDeps): Promise<Worker> {
  // Before it takes work: bots placed on this host from now on carry its address.
  await registerDockerHost(deps.db, deps.config.DOCKER_HOST_NAME, dockerHostApiAddress(deps.config));
  // Its pool containers' bot hosts report on this worker's metrics endpoint (they are reachable only over their sockets).
  watchBotHosts(deps.config.DOCKER_HOST_NAME, deps.config.BOT_SOCKET_DIR);
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: dockerQueue(deps.config.DOCKER_HOST_NAME),
    dataConverter: deps.dataConverter,
    activities: dockerHostActivities(deps.config, deps.db, deps.docker),
    ...workerTracing(),
  });
}

const poolHosts = (config: PlatformConfig): string[] => config.POOL_HOSTS.split(',').map((h) => h.trim()).filter(Boolean);

/** Settings of a pool this deployment creates: the domain's defaults on the configured hosts. */
export function initialPoolSettings(config: PlatformConfig): PoolSettings {
  const hosts = poolHosts(config);
  return { ...defaultPoolSettings(config.DOCKER_HOST_NAME), ...(hosts.length ? { hosts } : {}) };
}

/** Settings of this deployment's FreqTrade pool (`<BOT_POOL_ID>-freqtrade`) when it first starts. */
export const initialFreqtradePoolSettings = (config: PlatformConfig): PoolSettings =>
  defaultFreqtradePoolSettings(config.DOCKER_HOST_NAME, poolHosts(config));

/** The FreqTrade pool's id in this deployment. */
export const freqtradePoolOf = (config: PlatformConfig): string => freqtradePoolId(config.BOT_POOL_ID);

/** Starts this deployment's pool scaler unless it runs already, so its page and reconcile work before the first bot. */
export async function ensurePool(temporal: Client, config: PlatformConfig): Promise<void> {
  await temporal.workflow.start('poolWorkflow', {
    workflowId: poolWorkflowId(config.BOT_POOL_ID),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [poolWorkflowInput({ poolId: config.BOT_POOL_ID, taskQueue: config.TEMPORAL_TASK_QUEUE, settings: initialPoolSettings(config) })],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

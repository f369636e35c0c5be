// Every activity the worker registers, built from one set of dependencies (the worker process and the test platform
// both use this, so a test runs exactly the activities production runs).
import { createNotifier } from '../telemetry/notify.js';
import type { Client } from '@temporalio/client';
import type Docker from 'dockerode';
import { createBotGuardActivities } from '../activities/bot-guards.js';
import { createBotMoveActivities } from '../activities/bot-move-activities.js';
import { createBotActivities } from '../activities/bots.js';
import { createBotPairActivities } from '../activities/bot-pairs.js';
import { createExchangeAccountActivities } from '../activities/exchange-accounts.js';
import { createFleetReconcileActivities } from '../activities/fleet-reconcile.js';
import { createGuardBatchActivities } from '../activities/guard-batch.js';
import { createGuardWatcherActivities } from '../activities/guard-watcher.js';
import { createGuardActivities } from '../activities/guards.js';
import { createMarketFeedActivities } from '../activities/market-feed.js';
import { createMigrationActivities } from '../activities/migration.js';
import { createPoolRuntime } from '../activities/pool-runtime.js';
import { createPoolPlacementActivities, createPoolPlacementClient } from '../activities/pool-placement.js';
import { createPoolActivities } from '../activities/pools.js';
import { createPortfolioActivities } from '../activities/portfolio.js';
import { createRiskActivities } from '../activities/risk.js';
import { createStrategyCheckActivities } from '../activities/strategy-check.js';
import type { BotRuntimeDriver } from '../activities/runtime-driver.js';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { createWalletSyncScheduleActivities } from '../activities/wallet-sync-schedules.js';
import { secretKeyRing, type PlatformConfig } from '../domain/config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { DEFAULT_FREQTRADE_VERSION } from '../domain/freqtrade-config.js';
import type { DualWriteSink } from '../db/legacy-mirror.js';
import type { Db } from '../db/pool.js';
import { createSecretBox } from '../db/secret-box.js';
import { freqtradePoolOf, initialFreqtradePoolSettings, initialPoolSettings } from './docker-host.js';
import { freqtradeRuntimeFor } from './runtime-driver.js';

export interface ActivityDeps {
  config: PlatformConfig;
  db: Db;
  /** Where bot and exchange-account writes are mirrored while a migration run has dual-write on; null without MONGO_URL. */
  dualWrite: DualWriteSink | null;
  /** A client with the platform's data converter, for activities that manage schedules and signal workflows. */
  temporal: Client;
  driver: BotRuntimeDriver;
  /** The Docker engine for FreqTrade bots and strategy checks; null when none answers. */
  docker: Docker | null;
  /** Where a bot's API listens inside its container or process. */
  botListenHost: string;
}

export function createActivities({ config, db, dualWrite, temporal, driver, docker, botListenHost }: ActivityDeps) {
  const box = createSecretBox(secretKeyRing(config));
  const botApiHost = config.BOT_API_HOST;
  const botChannel = { socketDir: config.BOT_SOCKET_DIR, fallbackHost: botApiHost };
  const paperExchangeUrl = config.PAPER_EXCHANGE_URL;
  const profileFor = (id: string) => exchangeProfile(id, paperExchangeUrl);
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  // Pools need Docker: the worker on docker@<host> runs their containers (and the gateway to their bots' sockets).
  // Otherwise every bot is dedicated.
  const placement = createPoolPlacementClient(temporal, { poolId: config.BOT_POOL_ID, taskQueue, settings: initialPoolSettings(config) });
  // FreqTrade bots have a pool of their own (domain/freqtrade-pool.ts): the same scaler, FreqTrade pool containers.
  const freqtradePoolPlacement = createPoolPlacementClient(temporal, { poolId: freqtradePoolOf(config), taskQueue, settings: initialFreqtradePoolSettings(config) });
  const pool = docker && driver.kind === 'docker' ? createPoolRuntime(db, placement) : null;
  const freqtradePool = docker && driver.kind === 'docker' ? createPoolRuntime(db, freqtradePoolPlacement) : null;
  // Guard exits and failed bots notify their owner (notification center, webhook, Telegram).
  const notifier = createNotifier({ db, box, telegramApiUrl: config.TELEGRAM_API_URL });
  return {
    ...createBotActivities({
      notifier,
      db, dualWrite, box, driver, botApiHost, botChannel, botListenHost, paperExchangeUrl, freqtrade: freqtradeRuntimeFor(docker, config), pool, defaultPlacement: config.BOT_PLACEMENT,
      freqtradePool, freqtradePlacement: config.FREQTRADE_PLACEMENT ?? config.BOT_PLACEMENT,
      taskQueue,
      botLimits: { maxBots: config.MAX_BOTS_PER_USER, maxFreqtradeBots: config.MAX_FREQTRADE_BOTS_PER_USER },
    }),
    ...createBotMoveActivities({ db, freqtrade: freqtradeRuntimeFor(docker, config), freqtradePool: freqtradePool ? freqtradePoolPlacement : null }),
    ...createBotPairActivities({ db, dualWrite, box, botChannel, paperExchangeUrl }),
    ...createFleetReconcileActivities({ db, box, botChannel, taskQueue }),
    ...createBotGuardActivities({ db, client: temporal }),
    ...createPoolActivities(db, taskQueue),
    ...createPoolPlacementActivities(db, placement, freqtradePoolPlacement),
    ...createStrategyCheckActivities(docker, { version: DEFAULT_FREQTRADE_VERSION }),
    ...createExchangeAccountActivities({ db, dualWrite, box, paperExchangeUrl, maxAccountsPerUser: config.MAX_EXCHANGE_ACCOUNTS_PER_USER, notifier }),
    ...createWalletSyncScheduleActivities(temporal, taskQueue, db, notifier),
    ...createMarketFeedActivities({ db, profileFor }),
    ...createTradeSyncActivities({ db, box, botChannel, notifier }),
    ...createPortfolioActivities({ db }),
    ...createGuardActivities({ db, box, botChannel, paperExchangeUrl, taskQueue, notifier }),
    ...createGuardWatcherActivities({ db, client: temporal, profileFor, taskQueue }),
    ...createGuardBatchActivities({ db, box, paperExchangeUrl, taskQueue }),
    ...createRiskActivities({ db, box, botChannel, notifier }),
    // Without MONGO_URL these fail at once with a message saying to set it; everything else runs.
    ...createMigrationActivities({ db, box, mongoUrl: config.MONGO_URL }),
  };
}

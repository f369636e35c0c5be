// Every activity the worker registers, built from one set of dependencies (the worker process and the test platform
// both use this, so a test runs exactly the activities production runs).
import type { Client } from '@temporalio/client';
import { createBotActivities } from '../activities/bots.js';
import { createExchangeAccountActivities } from '../activities/exchange-accounts.js';
import { createGuardWatcherActivities } from '../activities/guard-watcher.js';
import { createGuardActivities } from '../activities/guards.js';
import { createMarketFeedActivities } from '../activities/market-feed.js';
import { createPortfolioActivities } from '../activities/portfolio.js';
import { createRiskActivities } from '../activities/risk.js';
import type { BotRuntimeDriver } from '../activities/runtime-driver.js';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { createWalletSyncScheduleActivities } from '../activities/wallet-sync-schedules.js';
import type { PlatformConfig } from '../domain/config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import type { Db } from '../db/pool.js';
import { createSecretBox } from '../db/secret-box.js';

export interface ActivityDeps {
  config: PlatformConfig;
  db: Db;
  /** A client with the platform's data converter, for activities that manage schedules and signal workflows. */
  temporal: Client;
  driver: BotRuntimeDriver;
  /** Where a bot's API listens inside its container or process. */
  botListenHost: string;
}

export function createActivities({ config, db, temporal, driver, botListenHost }: ActivityDeps) {
  const box = createSecretBox(config.TF_SECRET_KEY);
  const botApiHost = config.BOT_API_HOST;
  const paperExchangeUrl = config.PAPER_EXCHANGE_URL;
  const profileFor = (id: string) => exchangeProfile(id, paperExchangeUrl);
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  return {
    ...createBotActivities({ db, box, driver, botApiHost, botListenHost, paperExchangeUrl }),
    ...createExchangeAccountActivities({ db, box, paperExchangeUrl }),
    ...createWalletSyncScheduleActivities(temporal, taskQueue, db),
    ...createMarketFeedActivities({ db, profileFor }),
    ...createTradeSyncActivities({ db, box, botApiHost }),
    ...createPortfolioActivities({ db }),
    ...createGuardActivities({ db, box, botApiHost, paperExchangeUrl }),
    ...createGuardWatcherActivities({ db, client: temporal, profileFor, taskQueue }),
    ...createRiskActivities({ db, box, botApiHost }),
  };
}

// What a FreqTrade pool container's parent says of its bots' processes (its status file: each bot's restarts and last
// end), recorded on the bots' rows by the Docker host after each pool cycle's observation has answered. The bot's
// owner sees how often its bot was restarted and why it last ended, with FreqTrade's own error line (read from the
// bot's console logs in its directory, its secrets masked), and the bot's health wait fails fast with that line when
// FreqTrade keeps exiting.
import { Runtime } from '@temporalio/worker';
import type Docker from 'dockerode';
import { describePoolExit, exitHasLogReason, type PoolExit } from '../domain/freqtrade-pool.js';
import { freqtradeErrorLine } from '../domain/freqtrade-log.js';
import { botSecrets } from '../db/bot-secrets.js';
import { findBot } from '../db/bots.js';
import type { Db } from '../db/pool.js';
import { pooledBotRuntimesIn, recordPooledBotRuntime } from '../db/pooled-bot-runtime.js';
import type { SecretBox } from '../db/secret-box.js';
import { createFreqtradePoolHost } from './freqtrade-pool-host.js';

export interface FreqtradePoolRuntimeDeps {
  docker: Docker;
  db: Db;
  box: SecretBox;
}

export function createFreqtradePoolRuntimes(deps: FreqtradePoolRuntimeDeps) {
  const { docker, db } = deps;
  const host = createFreqtradePoolHost(docker);

  /** Everything secret a bot's log could echo: its API password and token key, its exchange key. */
  async function secretsOf(botId: string): Promise<string[]> {
    const bot = await findBot(db, botId);
    return bot ? botSecrets(deps, bot) : [];
  }

  async function describe(key: string, botId: string, exit: PoolExit): Promise<string> {
    const line = exitHasLogReason(exit) ? freqtradeErrorLine(await host.botLogTail(key, botId).catch(() => ''), await secretsOf(botId)) : null;
    return describePoolExit(exit, line);
  }

  return {
    /** Records, for each running container of `keys`, what its parent last said of each bot placed in it that changed. */
    async recordPoolBotRuntimes(keys: readonly string[]): Promise<void> {
      for (const key of keys) {
        try {
          const status = await host.status(key);
          if (!status) continue;
          for (const row of await pooledBotRuntimesIn(db, key)) {
            const seen = status.bots[row.id];
            if (!seen || (seen.restarts === row.restarts && (row.lastExit !== null || !seen.lastExit))) continue;
            // A new end is described once; a bot that moved here keeps the last end recorded until it ends here.
            const lastExit = seen.lastExit && (seen.restarts !== row.restarts || row.lastExit === null) ? await describe(key, row.id, seen.lastExit) : row.lastExit;
            await recordPooledBotRuntime(db, row.id, key, seen.restarts, lastExit);
          }
        } catch (error) {
          // An observation that fails costs a cycle's news, never the pool's reconcile. (The worker's logger: this runs
          // after the observing activity has answered, outside any activity's context.)
          Runtime.instance().logger.warn('pooled bot runtimes not recorded', { key, error: (error as Error).message });
        }
      }
    },
  };
}

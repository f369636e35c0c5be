// A FreqTrade bot whose process keeps exiting while it starts (a config or strategy error): its health wait fails fast
// with FreqTrade's own error line instead of waiting out its timeout. A dedicated bot's container is restarted by
// Docker (its restart count, its container log); a pooled bot's process by its pool (what the Docker host recorded
// of it, activities/freqtrade-pool-runtimes.ts).
import type { Bot } from '../domain/bot.js';
import { START_RESTARTS_FAIL, startFailureMessage } from '../domain/freqtrade-log.js';
import type { Db } from '../db/pool.js';
import { pooledBotRuntimeOf } from '../db/pooled-bot-runtime.js';
import type { StoredCredentials } from './bot-host-spec.js';
import type { FreqtradeRuntime } from './freqtrade-runtime.js';
import type { RuntimeState } from './runtime-driver.js';

export interface StartFailureDeps {
  db: Db;
  freqtradeRuntime: () => FreqtradeRuntime;
  dedicatedFreqtrade: (bot: Bot) => boolean;
  exchangeCredentialsOf: (bot: Bot) => Promise<{ apiKey: string; secret: string; passphrase?: string } | undefined>;
}

export type StartFailureCheck = (runtime: RuntimeState & { restartCount?: number }) => Promise<string | null>;

/** Takes the bot's restart count now; the check it returns says why the bot is failing to start, or null. */
export async function watchStartFailures(deps: StartFailureDeps, bot: Bot, credentials: StoredCredentials): Promise<StartFailureCheck> {
  if (deps.dedicatedFreqtrade(bot)) {
    const before = (await deps.freqtradeRuntime().inspect(bot.id)).restartCount;
    return async (runtime) => {
      const restarts = (runtime.restartCount ?? before) - before;
      if (restarts < START_RESTARTS_FAIL) return null;
      const exchangeKey = await deps.exchangeCredentialsOf(bot);
      const secrets = [credentials.password, credentials.jwtSecret, exchangeKey?.apiKey, exchangeKey?.secret, exchangeKey?.passphrase];
      return startFailureMessage(restarts, 'container', await deps.freqtradeRuntime().lastError(bot.id, secrets.filter((x): x is string => Boolean(x))));
    };
  }
  if (bot.engine === 'freqtrade' && bot.placement === 'pool') {
    const before = (await pooledBotRuntimeOf(deps.db, bot.id))?.restarts ?? 0;
    return async () => {
      const seen = await pooledBotRuntimeOf(deps.db, bot.id);
      const restarts = (seen?.restarts ?? 0) - before;
      return restarts < START_RESTARTS_FAIL ? null : startFailureMessage(restarts, 'pool', seen?.lastExit ? `last ${seen.lastExit}` : null);
    };
  }
  return async () => null;
}

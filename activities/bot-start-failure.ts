// A FreqTrade bot whose process keeps exiting while it starts (a config or strategy error): its health wait fails fast
// with FreqTrade's own error line instead of waiting out its timeout. A bot that exits because its exchange does not
// answer is not failing: its health wait goes on (it shows why), and the bot starts once the exchange is back. A
// dedicated bot's container is restarted by Docker (its restart count, its container log); a pooled bot's process by
// its pool (what the Docker host recorded of it, activities/freqtrade-pool-runtimes.ts).
import type { Bot } from '../domain/bot.js';
import { exchangeUnreachable, START_RESTARTS_FAIL, startFailureMessage } from '../domain/freqtrade-log.js';
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

/** Why the bot keeps exiting as it starts; `exchangeDown`: because its exchange does not answer, so worth waiting on. */
export interface StartFailure {
  message: string;
  exchangeDown: boolean;
}

export type StartFailureCheck = (runtime: RuntimeState & { restartCount?: number }) => Promise<StartFailure | null>;

const failureOf = (restarts: number, where: 'container' | 'pool', reason: string | null): StartFailure =>
  ({ message: startFailureMessage(restarts, where, reason), exchangeDown: exchangeUnreachable(reason) });

/** Takes the bot's restart count now; the check it returns says why the bot is failing to start, or null. */
export async function watchStartFailures(deps: StartFailureDeps, bot: Bot, credentials: StoredCredentials): Promise<StartFailureCheck> {
  if (deps.dedicatedFreqtrade(bot)) {
    const before = (await deps.freqtradeRuntime().inspect(bot.id)).restartCount;
    return async (runtime) => {
      const restarts = (runtime.restartCount ?? before) - before;
      if (restarts < START_RESTARTS_FAIL) return null;
      const exchangeKey = await deps.exchangeCredentialsOf(bot);
      const secrets = [credentials.password, credentials.jwtSecret, exchangeKey?.apiKey, exchangeKey?.secret, exchangeKey?.passphrase];
      return failureOf(restarts, 'container', await deps.freqtradeRuntime().lastError(bot.id, secrets.filter((x): x is string => Boolean(x))));
    };
  }
  if (bot.engine === 'freqtrade' && bot.placement === 'pool') {
    const before = (await pooledBotRuntimeOf(deps.db, bot.id))?.restarts ?? 0;
    return async () => {
      const seen = await pooledBotRuntimeOf(deps.db, bot.id);
      const restarts = (seen?.restarts ?? 0) - before;
      return restarts < START_RESTARTS_FAIL ? null : failureOf(restarts, 'pool', seen?.lastExit ? `last ${seen.lastExit}` : null);
    };
  }
  return async () => null;
}

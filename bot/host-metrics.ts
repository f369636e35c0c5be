// What a bot host reports about itself and its bots on its control socket (GET /metrics): the platform's worker on the
// same Docker host reads it at each Prometheus scrape and serves it labelled by bot and pool container
// (telemetry/bot-host-metrics.ts), since nothing outside the container's sockets can reach a bot. Counts only: never a
// config value, a key or a trade's detail.
import { exchangeCalls } from './exchange-access.js';
import type { BotHost } from './host.js';

export interface BotMetricsReport {
  botId: string;
  /** FreqTrade's state: running, paused, stopped, reload_config. */
  state: string;
  iterations: number;
  iterationSeconds: number;
  lastIterationSeconds: number;
  loopErrors: number;
  apiRequests: number;
  apiErrors: number;
  openTrades: number;
  closedTrades: number;
}

export interface HostMetricsReport {
  /** The host process's resident memory. */
  memoryBytes: number;
  /** Calls to exchanges by every bot of the host (market data is shared, so it is counted per host). */
  exchangeRequests: number;
  exchangeErrors: number;
  bots: BotMetricsReport[];
}

export function hostMetricsReport(host: Pick<BotHost, 'bots'>): HostMetricsReport {
  return {
    memoryBytes: process.memoryUsage.rss(),
    exchangeRequests: exchangeCalls.requests,
    exchangeErrors: exchangeCalls.errors,
    bots: [...host.bots.values()].map((bot) => {
      const open = bot.ledger.open().length;
      return {
        botId: bot.id,
        state: bot.state,
        iterations: bot.stats.iterations,
        iterationSeconds: bot.stats.iterationSeconds,
        lastIterationSeconds: bot.stats.lastIterationSeconds,
        loopErrors: bot.stats.loopErrors,
        apiRequests: bot.stats.apiRequests,
        apiErrors: bot.stats.apiErrors,
        openTrades: open,
        closedTrades: bot.ledger.all().length - open,
      };
    }),
  };
}

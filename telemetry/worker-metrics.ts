// The worker's own Prometheus metrics (prom-client), beside the Temporal SDK's (WORKER_METRICS_ADDRESS): what the
// activities see happen. One registry per process; activities record through the functions below.
import http from 'node:http';
import client from 'prom-client';

export const workerRegistry = new client.Registry();

const provisioning = new client.Histogram({
  name: 'tradefleet_bot_provisioning_duration_seconds',
  help: 'From a bot\'s creation to its first running, by engine and placement',
  labelNames: ['engine', 'placement'] as const,
  buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
  registers: [workerRegistry],
});
const provisioningFailures = new client.Counter({
  name: 'tradefleet_bot_provisioning_failures_total',
  help: 'Bot provisioning sagas that failed (and compensated), by the saga step that failed',
  labelNames: ['step'] as const,
  registers: [workerRegistry],
});
const guardReaction = new client.Histogram({
  name: 'tradefleet_guard_reaction_seconds',
  help: 'From the watcher seeing a guard\'s stop or target crossed to the exchange (or bot) acknowledging the exit order',
  labelNames: ['reason'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [workerRegistry],
});
const guardExits = new client.Counter({
  name: 'tradefleet_guard_exits_total',
  help: 'Guard exits acknowledged, by reason and target (wallet or bot trade)',
  labelNames: ['reason', 'target'] as const,
  registers: [workerRegistry],
});
const exchangeErrors = new client.Counter({
  name: 'tradefleet_exchange_errors_total',
  help: 'Failed exchange calls, by exchange and ccxt error class',
  labelNames: ['exchange', 'error_class'] as const,
  registers: [workerRegistry],
});
const walletSyncFailures = new client.Counter({
  name: 'tradefleet_wallet_sync_failures_total',
  help: 'Wallet syncs that failed, by the account status they left (error, invalid_credentials)',
  labelNames: ['status'] as const,
  registers: [workerRegistry],
});
const tradeSyncLast = new client.Gauge({
  name: 'tradefleet_trade_sync_last_success_timestamp_seconds',
  help: 'When the trade sync last finished a pass over the running bots (lag: time() minus this)',
  registers: [workerRegistry],
});
const tradeSyncDuration = new client.Gauge({
  name: 'tradefleet_trade_sync_pass_seconds',
  help: 'How long the last trade sync pass took',
  registers: [workerRegistry],
});

// Known label values start at zero, so a rate or an increase is 0 rather than missing before the first event.
for (const step of ['create-runtime', 'start-runtime', 'wait-healthy', 'mark-running', 'place-again']) provisioningFailures.inc({ step }, 0);
for (const [engine, placement] of [['builtin', 'dedicated'], ['builtin', 'pool'], ['freqtrade', 'dedicated']] as const) provisioning.zero({ engine, placement });
for (const reason of ['trailing_stop', 'take_profit', 'stoploss']) {
  guardReaction.zero({ reason });
  for (const target of ['wallet', 'bot_trade']) guardExits.inc({ reason, target }, 0);
}
for (const status of ['error', 'invalid_credentials']) walletSyncFailures.inc({ status }, 0);

export function recordProvisioned(engine: string, placement: string, createdAt: string | Date): void {
  const seconds = (Date.now() - new Date(createdAt).getTime()) / 1000;
  if (seconds >= 0) provisioning.observe({ engine, placement }, seconds);
}

/** The saga's failure reason reads `provisioning failed at <step>: ...` (workflows/bot.ts). */
export function recordProvisioningFailure(reason: string): void {
  const step = /^provisioning failed at ([a-z-]+|null):/.exec(reason)?.[1];
  if (step) provisioningFailures.inc({ step });
}

/** Crossings the watcher saw, by guard, until that guard's exit is acknowledged (same worker process). */
const crossings = new Map<string, number>();
export function recordGuardCrossing(guardId: string, at: number): void {
  if (!crossings.has(guardId)) crossings.set(guardId, at);
  // A bounded map: a crossing whose exit ran on another worker is forgotten, not kept forever.
  if (crossings.size > 10_000) crossings.delete(crossings.keys().next().value!);
}
export function recordGuardExit(guardId: string, reason: string, target: string): void {
  guardExits.inc({ reason, target });
  const at = crossings.get(guardId);
  crossings.delete(guardId);
  if (at !== undefined) guardReaction.observe({ reason }, Math.max(0, Date.now() - at) / 1000);
}

export function recordExchangeError(exchange: string, error: unknown): void {
  const errorClass = error instanceof Error ? error.constructor.name : 'unknown';
  exchangeErrors.inc({ exchange, error_class: errorClass });
}

export function recordWalletSyncFailure(status: string): void {
  walletSyncFailures.inc({ status });
}

export function recordTradeSyncPass(seconds: number): void {
  tradeSyncLast.set(Date.now() / 1000);
  tradeSyncDuration.set(seconds);
}

/**
 * Serves the registry on `address` (host:port) at /metrics. A busy port is logged and skipped: metrics must never stop
 * a worker from working.
 */
export function serveWorkerMetrics(address: string, warn: (msg: string) => void): http.Server | null {
  if (!address) return null;
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  const port = Number(address.slice(at + 1));
  if (!workerRegistry.getSingleMetric('tradefleet_worker_process_cpu_seconds_total')) {
    client.collectDefaultMetrics({ register: workerRegistry, prefix: 'tradefleet_worker_' });
  }
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    workerRegistry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': workerRegistry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  server.on('error', (error) => warn(`worker metrics not served on ${address}: ${error.message}`));
  server.listen(port, host);
  server.unref();
  return server;
}

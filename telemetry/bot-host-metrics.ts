// Bot hosts' own metrics through the platform. Bot containers have no network, so Prometheus cannot scrape them: at
// each scrape of the worker's /metrics, the worker next to their Docker engine asks every pool container (`p-<key>`)
// and every dedicated builtin bot's container (`b-<botId>`) under its socket root for its report over the container's
// control socket (bot/host-control.ts, GET /metrics) and serves it labelled by bot, container and Docker host. A
// host's answer is parsed, bounded and checked like any input. A `b-` directory may belong to a FreqTrade bot, whose
// code is the user's and can write it: only a socket (not a link planted there) is asked, and only the report of the
// directory's own bot is taken, so no container can speak for another bot.
import { lstat, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import client from 'prom-client';
import { z } from 'zod';
import { HOST_CONTROL_SOCKET_NAME } from '../activities/bot-host-control.js';
import { workerRegistry } from './worker-metrics.js';

/** A report of hundreds of bots is tens of kilobytes; anything far beyond is not a report. */
const MAX_REPORT_BYTES = 4 * 2 ** 20;
/** A host that does not answer this fast counts as down for this scrape; Prometheus's own timeout is 10 s. */
const HOST_TIMEOUT_MS = 2_000;
/** Reports are read once per scrape, whatever the number of metric families asking for them. */
const REPORT_MAX_AGE_MS = 1_000;

const count = z.number().finite().nonnegative();
const Report = z.object({
  memoryBytes: count,
  exchangeRequests: count,
  exchangeErrors: count,
  bots: z.array(z.object({
    botId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    state: z.string().regex(/^[a-z_]{1,20}$/),
    iterations: count,
    iterationSeconds: count,
    lastIterationSeconds: count,
    loopErrors: count,
    apiRequests: count,
    apiErrors: count,
    openTrades: count,
    closedTrades: count,
  })).max(5_000),
});
type Report = z.infer<typeof Report>;

interface Scraped {
  host: string;
  container: string;
  /** null: the socket is there and nobody answers (a dead or stuck host). */
  report: Report | null;
}

/** Docker host name → its socket root (BOT_SOCKET_DIR). */
const roots = new Map<string, string>();

/** The report at `socketPath`; null when the host does not answer well; undefined when no socket is there. */
export async function readHostReport(socketPath: string, timeoutMs = HOST_TIMEOUT_MS): Promise<Report | null | undefined> {
  const file = await lstat(socketPath).catch(() => null);
  if (!file) return undefined;
  if (!file.isSocket()) return null;
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/metrics', method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_REPORT_BYTES) req.destroy();
        else chunks.push(c);
      });
      res.on('error', () => resolve(null));
      // Cut off (too big, or the host went away): whatever came is not a report. After `end` this changes nothing.
      res.on('close', () => resolve(null));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve(null);
        try {
          const parsed = Report.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          resolve(parsed.success ? parsed.data : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ENOENT' ? undefined : null));
    req.end();
  });
}

async function scrapeAll(): Promise<Scraped[]> {
  const found = await Promise.all([...roots].map(async ([host, root]) => {
    const dirs = (await readdir(root).catch(() => [] as string[])).filter((d) => d.startsWith('p-') || d.startsWith('b-'));
    return Promise.all(dirs.map(async (dir) => {
      const report = await readHostReport(path.join(root, dir, HOST_CONTROL_SOCKET_NAME));
      if (report === undefined) return null;
      if (dir.startsWith('p-')) return { host, container: dir.slice(2), report };
      const botId = dir.slice(2);
      return { host, container: `bot-${botId}`, report: report && { ...report, bots: report.bots.filter((b) => b.botId === botId) } };
    }));
  }));
  return found.flat().filter((s): s is Scraped => s !== null);
}

let last: { at: number; result: Promise<Scraped[]> } | null = null;
function scrape(): Promise<Scraped[]> {
  if (!last || Date.now() - last.at > REPORT_MAX_AGE_MS) last = { at: Date.now(), result: scrapeAll() };
  return last.result;
}

type HostValue = (report: Report) => number;
type BotValue = (bot: Report['bots'][number]) => number;

function hostFamily(kind: 'gauge' | 'counter', name: string, help: string, value: HostValue): void {
  const labelNames = ['host', 'container'] as const;
  const collect = async function (this: client.Gauge<'host' | 'container'> | client.Counter<'host' | 'container'>) {
    const scraped = await scrape();
    this.reset();
    for (const s of scraped) {
      if (!s.report) continue;
      if (this instanceof client.Gauge) this.set({ host: s.host, container: s.container }, value(s.report));
      else this.inc({ host: s.host, container: s.container }, value(s.report));
    }
  };
  if (kind === 'gauge') new client.Gauge({ name, help, labelNames, registers: [workerRegistry], collect });
  else new client.Counter({ name, help, labelNames, registers: [workerRegistry], collect });
}

function botFamily(kind: 'gauge' | 'counter', name: string, help: string, value: BotValue, extra?: { label: string; values: (bot: Report['bots'][number]) => Array<[string, number]> }): void {
  const labelNames = ['bot_id', 'host', 'container', ...(extra ? [extra.label] : [])];
  const collect = async function (this: client.Gauge<string> | client.Counter<string>) {
    const scraped = await scrape();
    this.reset();
    for (const s of scraped) {
      for (const bot of s.report?.bots ?? []) {
        const labels = { bot_id: bot.botId, host: s.host, container: s.container };
        const samples = extra ? extra.values(bot).map(([v, n]) => [{ ...labels, [extra.label]: v }, n] as const) : [[labels, value(bot)] as const];
        for (const [l, n] of samples) {
          if (this instanceof client.Gauge) this.set(l, n);
          else this.inc(l, n);
        }
      }
    }
  };
  if (kind === 'gauge') new client.Gauge({ name, help, labelNames, registers: [workerRegistry], collect });
  else new client.Counter({ name, help, labelNames, registers: [workerRegistry], collect });
}

function register(): void {
  new client.Gauge({
    name: 'tradefleet_bot_host_up',
    help: 'Whether a pool container\'s bot host answered its metrics request at this scrape (1) or not (0)',
    labelNames: ['host', 'container'] as const,
    registers: [workerRegistry],
    async collect() {
      const scraped = await scrape();
      this.reset();
      for (const s of scraped) this.set({ host: s.host, container: s.container }, s.report ? 1 : 0);
    },
  });
  hostFamily('gauge', 'tradefleet_bot_host_memory_bytes', 'Resident memory of a pool container\'s bot host process', (r) => r.memoryBytes);
  hostFamily('gauge', 'tradefleet_bot_host_bots', 'Bots a pool container\'s bot host runs', (r) => r.bots.length);
  hostFamily('counter', 'tradefleet_bot_host_exchange_requests_total', 'Exchange calls by a bot host\'s bots (market data is shared per host)', (r) => r.exchangeRequests);
  hostFamily('counter', 'tradefleet_bot_host_exchange_errors_total', 'Failed exchange calls by a bot host\'s bots', (r) => r.exchangeErrors);
  botFamily('counter', 'tradefleet_bot_iterations_total', 'Trading-loop iterations a bot ran (every 5 s while running or paused)', (b) => b.iterations);
  botFamily('counter', 'tradefleet_bot_iteration_seconds_total', 'Time a bot\'s trading-loop iterations took (average: rate of this / rate of iterations)', (b) => b.iterationSeconds);
  botFamily('gauge', 'tradefleet_bot_last_iteration_seconds', 'How long a bot\'s last trading-loop iteration took', (b) => b.lastIterationSeconds);
  botFamily('counter', 'tradefleet_bot_loop_errors_total', 'Trading-loop iterations that failed (an exchange error, logged by the bot)', (b) => b.loopErrors);
  botFamily('counter', 'tradefleet_bot_api_requests_total', 'Requests a bot\'s FreqTrade REST API answered', (b) => b.apiRequests);
  botFamily('counter', 'tradefleet_bot_api_errors_total', 'Requests a bot\'s API answered with 500 or above', (b) => b.apiErrors);
  botFamily('gauge', 'tradefleet_bot_trades', 'A bot\'s trades in its own ledger, open and closed', () => 0, {
    label: 'state', values: (b) => [['open', b.openTrades], ['closed', b.closedTrades]],
  });
  botFamily('gauge', 'tradefleet_bot_state', 'A bot\'s trader state as its host reports it (1 for the state it is in)', () => 1, {
    label: 'state', values: (b) => [[b.state, 1]],
  });
}

/**
 * Serves the bot hosts under `socketRoot` (pool containers of Docker host `host`) on this process's worker metrics from
 * now on. Idempotent per host.
 */
export function watchBotHosts(host: string, socketRoot: string): void {
  if (roots.size === 0 && !workerRegistry.getSingleMetric('tradefleet_bot_host_up')) register();
  roots.set(host, socketRoot);
  last = null;
}

/** Stops serving a host's bot hosts (a test's platform stopping). */
export function unwatchBotHosts(host: string): void {
  roots.delete(host);
  last = null;
}

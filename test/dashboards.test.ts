// Dashboards as tested code: a real Prometheus (the Debian package) scrapes a test platform (API server, the worker's
// own metrics, the worker's Temporal SDK metrics) while the test drives it (sign-up, an exchange account, a refused
// key, a pooled bot provisioned and running, an open event stream, a trade sync pass); then every panel query of
// ops/grafana/dashboards.ts must parse and return data, and the committed JSON must be what the TypeScript writes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MockActivityEnvironment } from '@temporalio/testing';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { secretKeyRing } from '../domain/config.js';
import { createSecretBox } from '../db/secret-box.js';
import { startPaperExchange } from '../exchange/server.js';
import { DASHBOARDS } from '../ops/grafana/dashboards.js';
import { dashboardFile, dashboardText } from '../ops/grafana/write-dashboards.js';
import { freePort } from '../scripts/services/ports.js';
import { serveWorkerMetrics } from '../telemetry/worker-metrics.js';
import { removePoolOf } from './fleet-check.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

const PROMETHEUS = process.env['PROMETHEUS'] ?? '/usr/bin/prometheus';
let platform: TestPlatform;
let exchange: Awaited<ReturnType<typeof startPaperExchange>>;
let api: Server;
let workerMetrics: Server;
let prometheus: ChildProcess | null = null;
let promUrl: string;
let dir: string;
const abort = new AbortController();

async function query(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const res = await fetch(`${promUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  return (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
}

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'dashboards' });
  const sdkPort = await freePort();
  platform = await startPlatform({ env: { PAPER_EXCHANGE_URL: exchange.url }, temporalMetricsAddress: `127.0.0.1:${sdkPort}` });
  api = platform.app.listen(0, '127.0.0.1');
  await new Promise((r) => api.once('listening', r));
  workerMetrics = serveWorkerMetrics('127.0.0.1:0', (msg) => {
    throw new Error(msg);
  })!;
  await new Promise((r) => workerMetrics.once('listening', r));
  const port = (s: Server) => (s.address() as AddressInfo).port;

  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-prometheus-'));
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'scrape_configs:',
    `  - { job_name: tradefleet-server, static_configs: [{ targets: ["127.0.0.1:${port(api)}"] }] }`,
    `  - { job_name: tradefleet-worker, static_configs: [{ targets: ["127.0.0.1:${sdkPort}"] }] }`,
    `  - { job_name: tradefleet-worker-app, static_configs: [{ targets: ["127.0.0.1:${port(workerMetrics)}"] }] }`,
    '',
  ].join('\n'));
  prometheus = spawn(PROMETHEUS, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  prometheus.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()));
  await waitFor(`Prometheus on ${promUrl} (${stderr})`, async () => (await fetch(`${promUrl}/-/ready`)).ok, 60_000);
}, 180_000);

afterAll(async () => {
  abort.abort();
  prometheus?.kill('SIGTERM');
  if (prometheus && prometheus.exitCode === null) await new Promise((r) => prometheus!.once('exit', r));
  workerMetrics?.close();
  api?.closeAllConnections();
  api?.close();
  await platform?.stop();
  // The pool container and its state volume this test's bot made (its platform's own pool).
  await removePoolOf(new Docker(), platform?.config.BOT_POOL_ID);
  await exchange?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('dashboards as code (ops/grafana)', () => {
  it('are written from ops/grafana/dashboards.ts (npm run dashboards)', () => {
    for (const d of DASHBOARDS) expect(fs.readFileSync(dashboardFile(d.uid), 'utf8'), `${d.uid}.json is stale: run npm run dashboards`).toBe(dashboardText(d));
  });

  it('every panel query parses and answers with data against a real Prometheus scraping the platform', async () => {
    const user = await signedUpAgent(platform.app);
    // A refused key (an AuthenticationError from ccxt, counted by class) and an account that works.
    const refused = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN).send({ exchangeId: 'paper', label: 'bad', apiKey: 'a'.repeat(32), secret: 'b'.repeat(32) });
    expect(refused.body.error?.code).toBe('invalid_credentials');
    const keys = exchange.createAccount({ balances: { USDT: '1000' } });
    const account = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN).send({ exchangeId: 'paper', label: 'ok', apiKey: keys.apiKey, secret: keys.secret });
    expect(account.status).toBe(201);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'dashboarded', pairs: ['BTC/USDT'], stakeAmount: 10, placement: 'pool' });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    await waitFor('the bot running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot.status === 'running', 120_000);
    // An event stream held open while Prometheus scrapes.
    const port = (api.address() as AddressInfo).port;
    void fetch(`http://127.0.0.1:${port}/api/bots/events`, { headers: { cookie: user.cookie }, signal: abort.signal }).then((r) => r.body?.getReader().read()).catch(() => undefined);
    // One trade sync pass, as the schedule runs it.
    const sync = createTradeSyncActivities({ db: platform.db, box: createSecretBox(secretKeyRing(platform.config)), botChannel: { socketDir: platform.config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' }, timeoutMs: 3_000 });
    await new MockActivityEnvironment().run(sync.syncBotTrades);

    // Every series a panel reads has been scraped at least twice since (rates need two samples).
    const needed = ['tradefleet_bots', 'tradefleet_pool_container_memory_bytes', 'tradefleet_sse_streams', 'tradefleet_trade_sync_last_success_timestamp_seconds', 'tradefleet_exchange_errors_total', 'tradefleet_worker_workflow_completed', 'tradefleet_bot_iterations_total'];
    await waitFor('Prometheus to scrape the platform', async () => {
      for (const m of needed) if (((await query(`count_over_time(${m}[1m])`)).data?.result ?? []).length === 0) throw new Error(`no ${m} yet`);
      return true;
    }, 90_000);
    await waitFor('two more scrapes', async () => ((await query('count_over_time(tradefleet_bots[1m])')).data?.result[0] as { value: [number, string] } | undefined)?.value[1] !== undefined, 10_000);
    await new Promise((r) => setTimeout(r, 3_000));

    const problems: string[] = [];
    let answered = 0;
    for (const d of DASHBOARDS) {
      for (const p of d.panels) {
        const answer = await query(p.expr.replaceAll('$__rate_interval', '1m'));
        if (answer.status !== 'success') problems.push(`${d.uid} / ${p.title}: ${answer.error}`);
        else if ((answer.data?.result ?? []).length > 0) answered++;
        else if (!p.emptyUnless) problems.push(`${d.uid} / ${p.title}: no data`);
      }
    }
    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
    expect(problems).toEqual([]);
    const total = DASHBOARDS.reduce((n, d) => n + d.panels.length, 0);
    console.log(`[dashboards] ${answered} of ${total} panel queries answered with data; ${total - answered} may be empty (${DASHBOARDS.flatMap((d) => d.panels.filter((p) => p.emptyUnless).map((p) => `${p.title}: ${p.emptyUnless}`)).join('; ')})`);
  }, 300_000);
});

// Benchmark (not a test): 1,000 active trailing stops over 20 symbols on one worker process, with the paper exchange's
// prices moved by this script. Prints the reaction latency from the exchange crossing a stop to the exit order being
// acknowledged by the exchange (median, p95, max), the worker's CPU and memory while watching and while exiting, the
// Temporal actions per second in each phase, and the same latency as a ratio to a raw order round-trip measured in this
// run (the floor: what one market order costs through ccxt without any guard machinery). `npm run bench:guards`
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { createExchangeClient } from '../activities/exchange-client.js';
import { guardClientOrderId } from '../activities/guards.js';
import { insertExchangeAccount } from '../db/exchange-accounts.js';
import { createDb, sql } from '../db/pool.js';
import { createSecretBox } from '../db/secret-box.js';
import { insertUser } from '../db/users.js';
import { readConfig } from '../domain/config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { guardWorkflowId } from '../domain/guard.js';
import { DEFAULT_MARKETS } from '../exchange/markets.js';
import { createGuardCommands } from '../server/guard-commands.js';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { z } from 'zod';
import { percentile, startBenchServices } from './services.js';

const GUARDS = Number(process.env.BENCH_GUARDS ?? 1000);
const SYMBOLS = 20;
const QUIET_MS = 30_000;
const say = (line: string) => console.log(`[bench:guards] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const services = await startBenchServices({ exchangeTickMs: 0 });
const { exchange } = services;
const taskQueue = `bench-guards-${randomUUID().slice(0, 8)}`;
const config = readConfig({ ...process.env, TEMPORAL_TASK_QUEUE: taskQueue });
const db = await createDb(config.DATABASE_URL);
const box = createSecretBox(config.TF_SECRET_KEY);
const client = new Client({
  connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }),
  dataConverter: platformDataConverter(createPayloadCodec(config.TF_SECRET_KEY)),
});

const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
  env: { ...process.env, TEMPORAL_TASK_QUEUE: taskQueue, PAPER_EXCHANGE_URL: exchange.url, LOG_LEVEL: 'warn', WORKER_METRICS_ADDRESS: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => worker.stdout!.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve()));
const cpuSeconds = () => {
  const fields = fs.readFileSync(`/proc/${worker.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${worker.pid}/status`, 'utf8'))![1]) / 1024;

try {
  const markets = DEFAULT_MARKETS.slice(0, SYMBOLS);
  const prices = new Map(markets.map((m) => [m.base, m.price]));
  const setPrice = (base: string, price: number) => {
    prices.set(base, price);
    exchange.setPrice(`${base}USDT`, price);
  };
  // A fleet: the guards belong to 50 accounts (one ccxt client each, as every account has its own order rate limit).
  const ACCOUNTS = 50;
  const userId = (await insertUser(db, { id: randomUUID(), email: `bench-${randomUUID()}@example.com`, passwordHash: 'x' })).id;
  const papers = Array.from({ length: ACCOUNTS }, () =>
    exchange.createAccount({ balances: Object.fromEntries(markets.map((m) => [m.base, String(Math.ceil((100 / m.price) * GUARDS))])) }));
  const accounts = await Promise.all(papers.map((paper) => insertExchangeAccount(db, {
    id: randomUUID(), userId, exchangeId: 'paper', label: 'bench', apiKeyHint: '…', syncIntervalSeconds: 3600,
    sealedCredentials: box.seal(JSON.stringify({ apiKey: paper.apiKey, secret: paper.secret })),
  })));
  const paper = papers[0]!;

  // The floor: raw market orders through ccxt, no guard machinery.
  const raw = createExchangeClient(exchangeProfile('paper', exchange.url), { apiKey: paper.apiKey, secret: paper.secret });
  await raw.loadMarkets();
  const rawMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await raw.createOrder('BTC/USDT', 'market', 'sell', 0.0002);
    rawMs.push(performance.now() - t);
  }
  rawMs.sort((a, b) => a - b);

  const commands = createGuardCommands(client, taskQueue);
  const guards: Array<{ id: string; base: string }> = [];
  const created0 = performance.now();
  for (let i = 0; i < GUARDS; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, GUARDS - i) }, async (_, k) => {
      const m = markets[(i + k) % SYMBOLS]!;
      const guard = await commands.create(userId, {
        target: { kind: 'wallet', exchangeAccountId: accounts[(i + k) % ACCOUNTS]!.id, symbol: `${m.base}/USDT`, amount: Number((12 / m.price).toPrecision(3)) * 2 },
        trail: { trailPct: 1 + ((i + k) % 5) },
      });
      guards.push({ id: guard.id, base: m.base });
    }));
  }
  say(`${GUARDS} guards over ${SYMBOLS} symbols created in ${((performance.now() - created0) / 1000).toFixed(1)} s`);
  const count = (where: ReturnType<typeof sql.fragment>) =>
    db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from guards where user_id = ${userId} and ${where}`);
  for (let t = Date.now(); (await count(sql.fragment`last_price is not null`)) < GUARDS; await sleep(500)) {
    if (Date.now() - t > 120_000) throw new Error('the guards were not all priced within 2 minutes');
  }

  // Watching: every symbol random-walks (±0.15 % a second, drifting up so peaks move) for QUIET_MS.
  const actionsSince = new Date();
  const cpu0 = cpuSeconds();
  let rssMax = rssMiB();
  const quiet0 = performance.now();
  while (performance.now() - quiet0 < QUIET_MS) {
    for (const m of markets) setPrice(m.base, prices.get(m.base)! * (1 + (Math.random() - 0.4) * 0.003));
    rssMax = Math.max(rssMax, rssMiB());
    await sleep(1000);
  }
  const quietCpu = (cpuSeconds() - cpu0) / (QUIET_MS / 1000);
  const quietEnd = new Date();

  // Exiting: raise every symbol 3 %, wait for the peaks, then drop one symbol every 500 ms below all its stops.
  for (const m of markets) setPrice(m.base, prices.get(m.base)! * 1.03);
  for (let t = Date.now(); ; await sleep(300)) {
    const peaked = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from guards where user_id = ${userId} and peak >= last_price * 0.999 and last_price_at > now() - interval '2 seconds'`);
    if (peaked >= GUARDS || Date.now() - t > 20_000) break;
  }
  const dropAt = new Map<string, number>();
  const cpu1 = cpuSeconds();
  const exit0 = performance.now();
  for (const m of markets) {
    dropAt.set(m.base, Date.now());
    setPrice(m.base, prices.get(m.base)! * 0.93);
    await sleep(500);
  }
  for (let t = Date.now(); (await count(sql.fragment`state = 'exited'`)) < GUARDS; await sleep(250)) {
    rssMax = Math.max(rssMax, rssMiB());
    if (Date.now() - t > 180_000) break;
  }
  const exitSeconds = (performance.now() - exit0) / 1000;
  const exitCpu = (cpuSeconds() - cpu1) / exitSeconds;

  const orders = new Map(papers.flatMap((p) => [...exchange.engine.accounts.find(p.id)!.orders.values()]).map((o) => [o.clientOrderId, o]));
  const latencies: number[] = [];
  let missing = 0;
  for (const g of guards) {
    const order = orders.get(guardClientOrderId(g.id, 1));
    if (order) latencies.push(order.time - dropAt.get(g.base)!);
    else missing++;
  }
  latencies.sort((a, b) => a - b);

  // Temporal actions, counted from the histories (guards and the watcher): starts, signals, updates, activities, timers.
  const ACTIONS = ['workflowExecutionStartedEventAttributes', 'workflowExecutionSignaledEventAttributes', 'workflowExecutionUpdateAcceptedEventAttributes',
    'activityTaskScheduledEventAttributes', 'timerStartedEventAttributes', 'upsertWorkflowSearchAttributesEventAttributes'] as const;
  let quietActions = 0;
  let exitActions = 0;
  const exitWindowStart = quietEnd.getTime();
  const ids = [...guards.map((g) => guardWorkflowId(g.id)), `guard-watch:paper@${taskQueue}`];
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(ids.slice(i, i + 50).map(async (id) => {
      const history = await client.workflow.getHandle(id).fetchHistory();
      for (const e of history.events ?? []) {
        if (!ACTIONS.some((k) => e[k])) continue;
        const at = Number(e.eventTime?.seconds ?? 0) * 1000;
        if (at >= actionsSince.getTime() && at < quietEnd.getTime()) quietActions++;
        else if (at >= exitWindowStart) exitActions++;
      }
    }));
  }

  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  say(`raw market order through ccxt (floor): median ${f(percentile(rawMs, 50))}, p95 ${f(percentile(rawMs, 95))}`);
  say(`reaction, exchange crossing a stop -> exit order acknowledged, ${latencies.length} exits (${missing} missing):`);
  say(`  median ${f(percentile(latencies, 50))}, p95 ${f(percentile(latencies, 95))}, max ${f(latencies.at(-1) ?? NaN)} (target p95 <= 1000 ms)`);
  say(`  p95 / raw order median = ${(percentile(latencies, 95) / percentile(rawMs, 50)).toFixed(1)}x`);
  say(`worker while watching ${GUARDS} guards: CPU ${(quietCpu * 100).toFixed(1)} % of a core, Temporal actions ${(quietActions / (QUIET_MS / 1000)).toFixed(2)}/s`);
  say(`worker while exiting (${exitSeconds.toFixed(1)} s): CPU ${(exitCpu * 100).toFixed(1)} % of a core, Temporal actions ${(exitActions / exitSeconds).toFixed(1)}/s`);
  say(`worker memory: max RSS ${rssMax.toFixed(0)} MiB`);
} finally {
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  await db.end();
  await services.stop();
}
process.exit(0);

// Benchmark (not a test): BENCH_GUARDS (1,000) active trailing stops over 20 symbols on one worker process, with the
// paper exchange's prices moved by this script; BENCH_EXITS of them (1,000 at most) cross their stops, 10 a second, while
// the others keep being watched. Prints how long creating them took (batched, or BENCH_CREATE=single through the single
// create), the peak resident memory of the worker and of the Temporal server, the reaction latency from the exchange crossing a stop to the exit order being
// acknowledged by the exchange (median, p95, max), the worker's CPU and memory while watching and while exiting, the
// Temporal actions per second in each phase, the same latency as a ratio to a raw order round-trip measured in this
// run (the floor: what one market order costs through ccxt without any guard machinery), the machine's load while it
// ran (the machine may be shared), and why any guard did not exit. `npm run bench:guards`; BENCH_WORKER_NODE_ARGS
// passes node flags to the worker (e.g. `--cpu-prof --cpu-prof-dir=.data/profiles`).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { createExchangeClient } from '../activities/exchange-client.js';
import { guardClientOrderId } from '../activities/guards.js';
import { sql } from '../db/pool.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { guardWatchWorkflowId, guardWorkflowId } from '../domain/workflow-ids.js';
import { z } from 'zod';
import { liveProcesses } from '../scripts/services/processes.js';
import { cpuMeter } from './cpu-meter.js';
import { explainMissedExits, traceExit } from './guard-exit-report.js';
import { createGuardFleet, startBenchWorker } from './guard-fleet.js';
import { percentile, startBenchServices } from './services.js';

const GUARDS = Number(process.env.BENCH_GUARDS ?? 1000);
const EXITS = Math.min(GUARDS, Number(process.env.BENCH_EXITS ?? 1000));
const SINGLE = process.env.BENCH_CREATE === 'single';
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 30_000);
const EXIT_SPACING_MS = Number(process.env.BENCH_EXIT_SPACING_MS ?? 1000);
const say = (line: string) => console.log(`[bench:guards] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const services = await startBenchServices({ exchangeTickMs: 0 });
const { exchange } = services;
const taskQueue = `bench-guards-${randomUUID().slice(0, 8)}`;
const fleet = await createGuardFleet(exchange, taskQueue, GUARDS);
const { db, client, guards, markets } = fleet;
const worker = await startBenchWorker({
  taskQueue, exchangeUrl: exchange.url, nodeArgs: process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
});
const cpu = cpuMeter({
  worker: { pid: worker.process.pid! },
  ...Object.fromEntries(liveProcesses().map((p) => [p.name, { pid: p.pid, tree: true }])),
  'bench + paper exchange': { pid: process.pid },
});
const loads: number[] = [];
// Resident memory of the Temporal server (with any child processes), sampled with the load.
const temporalPid = liveProcesses().find((p) => p.name === 'temporal')?.pid;
const treeRssMiB = (pid: number | undefined): number => {
  if (pid === undefined) return NaN;
  let kib = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      if (entry !== String(pid) && !new RegExp(`^PPid:\\s+${pid}$`, 'm').test(status)) continue;
      kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kib / 1024;
};
let temporalRssMax = 0;
const loadTimer = setInterval(() => {
  loads.push(os.loadavg()[0]!);
  temporalRssMax = Math.max(temporalRssMax, treeRssMiB(temporalPid));
}, 5000);

try {
  const prices = new Map(markets.map((m) => [m.base, m.price]));
  const setPrice = (base: string, price: number) => {
    prices.set(base, price);
    exchange.setPrice(`${base}USDT`, price);
  };
  const paper = fleet.papers[0]!;

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

  const created0 = performance.now();
  await fleet.grow(GUARDS, { exiting: EXITS, single: SINGLE });
  const createdSeconds = (performance.now() - created0) / 1000;
  say(`${GUARDS} guards over ${markets.length} symbols created in ${createdSeconds.toFixed(1)} s (${(GUARDS / createdSeconds).toFixed(0)}/s, ` +
    `${SINGLE ? 'one create each, 20 at a time' : 'batches of 500, two at a time'})`);
  for (let t = Date.now(); (await fleet.count(sql.fragment`last_price is not null`)) < GUARDS; await sleep(500)) {
    if (Date.now() - t > 120_000) throw new Error('the guards were not all priced within 2 minutes');
  }

  const rssAfterCreate = worker.rssMiB();
  const temporalAfterCreate = treeRssMiB(temporalPid);
  temporalRssMax = Math.max(temporalRssMax, temporalAfterCreate);
  // Watching: every symbol random-walks (±0.15 % a second, drifting up so peaks move) for QUIET_MS.
  const actionsSince = new Date();
  const cpu0 = worker.cpuSeconds();
  const quietCpuSample = cpu.sample();
  let rssMax = worker.rssMiB();
  const quiet0 = performance.now();
  while (performance.now() - quiet0 < QUIET_MS) {
    for (const m of markets) setPrice(m.base, prices.get(m.base)! * (1 + (Math.random() - 0.4) * 0.003));
    rssMax = Math.max(rssMax, worker.rssMiB());
    await sleep(1000);
  }
  const quietCpu = (worker.cpuSeconds() - cpu0) / (QUIET_MS / 1000);
  const quietEnd = new Date();
  const quietCpuReport = cpu.report(quietCpuSample);

  // Exiting: every symbol rises 6 % (new peaks), then falls in steps. Each exiting guard of a symbol has one of five
  // trails (1-5 %), so each step crosses one fifth of them: 100 crossings of 10 guards, one every EXIT_SPACING_MS (the
  // other guards trail by 10 % or more and keep watching).
  // The falls start once the watcher has seen every symbol's new high (a peak checkpoint at the risen bid): a symbol
  // that fell before the watcher priced its high would trail from a lower peak, so its stops would sit lower and its
  // exits come a step late, or never for the widest trail. (Checking only that peaks equal recent prices passed on
  // rows written before the rise.)
  for (const m of markets) setPrice(m.base, prices.get(m.base)! * 1.06);
  const risen = sql.unnest(markets.map((m) => [`${m.base}/USDT`, prices.get(m.base)! * 0.998]), ['text', 'float8']);
  for (let t = Date.now(); ; await sleep(300)) {
    const peaked = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from guards g join ${risen} as r(symbol, price) on r.symbol = g.symbol
      where g.user_id = ${fleet.userId} and g.peak >= r.price`);
    if (peaked >= GUARDS) break;
    if (Date.now() - t > 60_000) {
      say(`warning: after a minute the watcher has seen the new high of only ${peaked} of ${GUARDS} guards; the others will exit late`);
      break;
    }
  }
  const rssBeforeExits = worker.rssMiB();
  const crossedAt = new Map<string, number>(); // guard id -> when the exchange crossed its stop
  const cpu1 = worker.cpuSeconds();
  const exitCpuSample = cpu.sample();
  const metrics0 = await worker.metrics();
  const exit0 = performance.now();
  const top = new Map(markets.map((m) => [m.base, prices.get(m.base)!]));
  for (let trail = 1; trail <= 5; trail++) {
    for (const m of markets) {
      // Just below this trail's stops (the bid sits a hair under the price set).
      const at = Date.now();
      setPrice(m.base, top.get(m.base)! * (1 - trail / 100 - 0.004));
      for (const g of guards) if (g.base === m.base && g.trailPct === trail) crossedAt.set(g.id, at);
      await sleep(EXIT_SPACING_MS);
    }
  }
  for (let t = Date.now(); (await fleet.count(sql.fragment`state = 'exited'`)) < EXITS; await sleep(250)) {
    rssMax = Math.max(rssMax, worker.rssMiB());
    temporalRssMax = Math.max(temporalRssMax, treeRssMiB(temporalPid));
    if (Date.now() - t > 180_000) break;
  }
  const exitSeconds = (performance.now() - exit0) / 1000;
  const exitCpu = (worker.cpuSeconds() - cpu1) / exitSeconds;
  const exitCpuReport = cpu.report(exitCpuSample);
  const metrics1 = await worker.metrics();
  const avg = (name: string) => {
    const n = (metrics1[`${name}_count`] ?? 0) - (metrics0[`${name}_count`] ?? 0);
    return `${n} × ${(((metrics1[`${name}_sum`] ?? 0) - (metrics0[`${name}_sum`] ?? 0)) / Math.max(n, 1)).toFixed(0)} ms`;
  };

  const orders = new Map(fleet.papers.flatMap((p) => [...exchange.engine.accounts.find(p.id)!.orders.values()]).map((o) => [o.clientOrderId, o]));
  const latencies: number[] = [];
  const missed: string[] = [];
  let falseExits = 0;
  for (const g of guards) {
    const order = orders.get(guardClientOrderId(g.id, 1));
    if (!crossedAt.has(g.id)) falseExits += order ? 1 : 0;
    else if (order) latencies.push(order.time - crossedAt.get(g.id)!);
    else missed.push(g.id);
  }
  latencies.sort((a, b) => a - b);
  for (const g of guards.slice(0, Number(process.env.BENCH_TRACE ?? 0))) {
    say(await traceExit(client, g.id, crossedAt.get(g.id)!, orders.get(guardClientOrderId(g.id, 1))?.time ?? null));
  }

  // Temporal actions, counted from the histories (guards and the watcher): starts, signals, updates, activities, timers.
  const ACTIONS = ['workflowExecutionStartedEventAttributes', 'workflowExecutionSignaledEventAttributes', 'workflowExecutionUpdateAcceptedEventAttributes',
    'activityTaskScheduledEventAttributes', 'timerStartedEventAttributes', 'upsertWorkflowSearchAttributesEventAttributes'] as const;
  let quietActions = 0;
  let exitActions = 0;
  const ids = [...guards.map((g) => guardWorkflowId(g.id)), guardWatchWorkflowId('paper', taskQueue)];
  for (let i = 0; i < ids.length; i += 100) {
    await Promise.all(ids.slice(i, i + 100).map(async (id) => {
      // A batch-made guard that never had to act has no workflow, so no history and no actions.
      const history = await client.workflow.getHandle(id).fetchHistory().catch((error: Error) => {
        if (error.name === 'WorkflowNotFoundError' || /not found/i.test(error.message)) return { events: [] };
        throw error;
      });
      for (const e of history.events ?? []) {
        if (!ACTIONS.some((k) => e[k])) continue;
        const at = Number(e.eventTime?.seconds ?? 0) * 1000;
        if (at >= actionsSince.getTime() && at < quietEnd.getTime()) quietActions++;
        else if (at >= quietEnd.getTime()) exitActions++;
      }
    }));
  }

  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  say(`raw market order through ccxt (floor): median ${f(percentile(rawMs, 50))}, p95 ${f(percentile(rawMs, 95))}`);
  const states = await db.any(sql.type(z.object({ state: z.string(), n: z.number() }))`
    select state, count(*)::int as n from guards where user_id = ${fleet.userId} group by state order by state`);
  say(`guards by state at the end: ${states.map((r) => `${r.state} ${r.n}`).join(', ')}`);
  say(`reaction, exchange crossing a stop -> exit order acknowledged, ${latencies.length} exits of ${crossedAt.size} crossed, 10 a second ` +
    `(${missed.length} missing; ${falseExits} guards sold that were not crossed):`);
  say(`  median ${f(percentile(latencies, 50))}, p95 ${f(percentile(latencies, 95))}, max ${f(latencies.at(-1) ?? NaN)} (target p95 <= 1000 ms)`);
  say(`  p95 / raw order median = ${(percentile(latencies, 95) / percentile(rawMs, 50)).toFixed(1)}x`);
  say(`worker while watching ${GUARDS} guards: CPU ${(quietCpu * 100).toFixed(1)} % of a core, Temporal actions ${(quietActions / (QUIET_MS / 1000)).toFixed(2)}/s`);
  say(`worker while exiting (${exitSeconds.toFixed(1)} s): CPU ${(exitCpu * 100).toFixed(1)} % of a core, Temporal actions ${(exitActions / exitSeconds).toFixed(1)}/s`);
  say(`  where exits' time went (averages from the worker's metrics): workflow tasks waiting ${avg('workflow_task_schedule_to_start_latency')}, ` +
    `running ${avg('workflow_task_execution_latency')}; local activities ${avg('local_activity_execution_latency')}; activities ${avg('activity_execution_latency')}`);
  say(`  CPU while watching: ${quietCpuReport}`);
  say(`  CPU while exiting: ${exitCpuReport}`);
  say(`worker memory: RSS ${rssAfterCreate.toFixed(0)} MiB after creating the guards, ${rssBeforeExits.toFixed(0)} MiB after watching, max ${rssMax.toFixed(0)} MiB`);
  say(`Temporal dev server memory: RSS ${temporalAfterCreate.toFixed(0)} MiB after creating the guards, max ${Math.max(temporalRssMax, treeRssMiB(temporalPid)).toFixed(0)} MiB`);
  say(`machine: ${os.cpus().length} cores, 1-minute load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} (median ${percentile(loads.sort((a, b) => a - b), 50).toFixed(1)}) during the run`);
  for (const line of await explainMissedExits(fleet, missed, crossedAt)) say(line);
} finally {
  clearInterval(loadTimer);
  await worker.stop();
  await fleet.close();
  await services.stop();
}
process.exit(0);

// A fleet burst: BENCH_BOTS (1,000) builtin bots of 2 pairs each, created BENCH_IN_FLIGHT (20) at a time through the API
// into one pool (maxContainers raised to 40 first). Prints the time from the first request until every bot runs, the
// slowest create answer, the pool containers' total memory (Docker stats) and per bot, the control plane's memory (API +
// worker process, Temporal dev server, PostgreSQL), and one-at-a-time provisioning latency (median, p95) on the loaded
// platform, with where that time goes (bench/provision-phases.ts). As `npm start` runs them, the worker and the paper
// exchange are processes of their own (BENCH_IN_PROCESS=1 runs both inside this one, as the tests do).
// Bar (issue 22): all running within 10 min, pool containers <= 1 GB, one-at-a-time p95 <= 1 s.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import Docker from 'dockerode';
import { sql } from 'slonik';
import { z } from 'zod';
import { containerMemoryMiB } from '../activities/docker-stats.js';
import { poolWorkflowId } from '../domain/workflow-ids.js';
import { ensurePool } from '../worker/docker-host.js';
import { configurePool } from '../workflows/pool-messages.js';
import { spawnManaged } from '../scripts/services/processes.js';
import { freePort, httpAnswers, waitFor as waitUntil } from '../scripts/services/ports.js';
import { ORIGIN, signedUpAgent, startPlatform } from '../test/platform.js';
import { killWorker, spawnWorker } from '../test/worker-process.js';
import { activityTimings, phaseTable, provisionPhases, type ProvisionPhases } from '../test/provision-phases.js';
import { cpuMeter } from './cpu-meter.js';
import { percentile, provisionBot, startBenchServices } from './services.js';

const N = Number(process.env.BENCH_BOTS ?? 1000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 20);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 20);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 30_000);
const PAIRS = ['BTC/USDT', 'ETH/USDT'];

const IN_PROCESS = process.env.BENCH_IN_PROCESS === '1';

const services = await startBenchServices();
/** The paper exchange as its own process (as `npm start` runs it), serving every bot's market data. */
let exchangePid: number | null = null;
async function exchangeProcess(): Promise<string> {
  const port = await freePort();
  const child = spawnManaged('exchange', process.execPath, ['--import', 'tsx', 'exchange/main.ts'], {
    env: { ...process.env, PAPER_EXCHANGE_PORT: String(port), PAPER_EXCHANGE_SEED: 'fleet', LOG_LEVEL: 'warn' },
    output: 'ignore',
  });
  exchangePid = child.pid;
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(`paper exchange ${url}`, () => httpAnswers(`${url}/api/v3/ping`), { timeoutMs: 30_000, alive: () => child.running });
  return url;
}
// One user creates the whole fleet: the per-user bot quota is raised to it.
const fleetEnv = {
  BOT_DRIVER: 'docker', BOT_PLACEMENT: 'pool', MAX_BOTS_PER_USER: String(N + SEQUENTIAL),
  ...(IN_PROCESS ? {} : { PAPER_EXCHANGE_URL: await exchangeProcess() }),
};
const platform = await startPlatform({ worker: IN_PROCESS, env: fleetEnv });
const workerProcess = IN_PROCESS ? null : spawnWorker(platform.config, {
  ...fleetEnv, BOT_POOL_ID: platform.config.BOT_POOL_ID, DOCKER_HOST_NAME: platform.config.DOCKER_HOST_NAME, BOT_SOCKET_DIR: platform.config.BOT_SOCKET_DIR,
});
// The worker's warnings and errors, kept for a run that goes wrong (its stdout is otherwise dropped).
const WORKER_LOG = '.data/bench-fleet-worker.log';
if (workerProcess) {
  const log = fs.createWriteStream(WORKER_LOG);
  workerProcess.stdout!.pipe(log);
  workerProcess.stderr!.pipe(log);
}
const docker = new Docker();
const poolLabel = `tradefleet.pool=${platform.config.BOT_POOL_ID}`;

/** Resident memory of this process (API + worker) and of every process it started (Temporal, PostgreSQL), in MiB. */
function controlPlaneMiB(): { self: number; children: number } {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const tree = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of rows) if (!tree.has(pid!) && tree.has(ppid!)) grew = Boolean(tree.add(pid!));
  }
  const rss = (pid: number) => (rows.find((r) => r[0] === pid)?.[2] ?? 0) / 1024;
  return { self: rss(process.pid), children: [...tree].filter((p) => p !== process.pid).reduce((a, p) => a + rss(p), 0) };
}

async function poolMemoryMiB(): Promise<{ total: number; containers: number }> {
  const containers = await docker.listContainers({ filters: { label: [poolLabel] } });
  const used = await Promise.all(containers.map(async (c) => {
    return containerMemoryMiB(docker, c.Id);
  }));
  return { total: used.reduce((a, b) => a + b, 0), containers: containers.length };
}

const running = async (userId: string) =>
  platform.db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) filter (where status = 'running') as n from bots where user_id = ${userId}`);
const failed = async (userId: string) =>
  platform.db.any(sql.type(z.object({ lastError: z.string().nullable() }))`select last_error from bots where user_id = ${userId} and status = 'failed' limit 3`);

try {
  await ensurePool(platform.temporal, platform.config);
  await platform.temporal.workflow.getHandle(poolWorkflowId(platform.config.BOT_POOL_ID)).executeUpdate(configurePool, { args: [{ maxContainers: 40 }] });
  const user = await signedUpAgent(platform.app);
  const t0 = performance.now();
  const createMs: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < N) {
      const i = next++;
      const c0 = performance.now();
      const res = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: `fleet ${i}`, pairs: PAIRS, stakeAmount: 10 });
      if (res.status !== 201) throw new Error(`create ${i} answered ${res.status}: ${JSON.stringify(res.body)}`);
      createMs.push(performance.now() - c0);
    }
  }));
  const createdS = (performance.now() - t0) / 1000;
  console.log(`fleet: ${N} creates answered in ${createdS.toFixed(1)} s (201 each; median ${percentile(createMs.sort((a, b) => a - b), 50).toFixed(0)} ms, slowest ${createMs.at(-1)!.toFixed(0)} ms)`);
  for (let last = -1; ;) {
    const n = await running(user.userId);
    const bad = await failed(user.userId);
    if (bad.length) throw new Error(`bots failed: ${bad.map((b) => b.lastError).join('; ')}${workerProcess ? ` (the worker's log: ${WORKER_LOG})` : ''}`);
    if (n !== last && (n === N || n % 100 < (last % 100))) console.log(`  ${n} running after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    last = n;
    if (n === N) break;
    if (performance.now() - t0 > 30 * 60_000) throw new Error(`only ${n} of ${N} running after 30 minutes`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const allS = (performance.now() - t0) / 1000;
  console.log(`fleet: all ${N} bots running ${allS.toFixed(1)} s after the first request`);
  await new Promise((r) => setTimeout(r, SETTLE_MS)); // candles loaded, trading loops running
  const mem = await poolMemoryMiB();
  const cp = controlPlaneMiB();
  console.log(`fleet: ${mem.containers} pool containers, ${mem.total.toFixed(0)} MiB in all, ${(mem.total / N).toFixed(2)} MiB per bot`);
  const here = IN_PROCESS ? 'API + worker + paper exchange' : 'API';
  console.log(`fleet: control plane ${cp.self.toFixed(0)} MiB (${here}) + ${cp.children.toFixed(0)} MiB (${IN_PROCESS ? '' : 'worker, paper exchange, '}Temporal dev server, PostgreSQL)`);
  const other = await signedUpAgent(platform.app);
  // What the loaded platform itself costs, and what else the machine did, while one bot at a time is provisioned.
  const cpu = cpuMeter({
    API: { pid: process.pid },
    ...(workerProcess?.pid ? { worker: { pid: workerProcess.pid } } : {}),
    ...(exchangePid ? { 'paper exchange': { pid: exchangePid } } : {}),
  });
  const before = cpu.sample();
  const ms: number[] = [];
  const phases: ProvisionPhases[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const b = await provisionBot(platform, other, { name: `one at a time ${i}`, pairs: PAIRS, stakeAmount: 10 }, 120_000);
    ms.push(b.ms);
    phases.push(await provisionPhases(platform.temporal, b.id));
  }
  ms.sort((a, b) => a - b);
  console.log(`fleet: one bot at a time on the loaded platform (${N} running), API -> running over ${SEQUENTIAL}: median ${(percentile(ms, 50) / 1000).toFixed(2)} s, p95 ${(percentile(ms, 95) / 1000).toFixed(2)} s`);
  console.log(`fleet: where that time goes (workflow history):\n${phaseTable(phases)}`);
  console.log(`fleet: the pool scaler's activities in its current run:\n${await activityTimings(platform.temporal, poolWorkflowId(platform.config.BOT_POOL_ID))}`);
  console.log(`fleet: CPU meanwhile: ${cpu.report(before)} (pool containers, Temporal and PostgreSQL among them)`);
} finally {
  if (workerProcess) await killWorker(workerProcess);
  for (const c of await docker.listContainers({ all: true, filters: { label: [poolLabel] } })) await docker.getContainer(c.Id).remove({ force: true, v: true });
  await platform.stop();
  await services.stop();
}

// Profile (not a test): what one idle guard workflow costs a worker. Starts guards in steps (PROFILE_STEPS, default
// 0,200,1000) on one worker and prints, per step: worker RSS and the heap of its workflow threads (every thread but the
// main one, after a full GC) per guard, CPU and workflow task time per creation, and per activation when every guard
// gets one no-op signal, first with the workflows in the worker's cache (warm) and, at the last step, after a worker
// restart (cold: each activation builds the workflow again by replay). PROFILE_CPU=1 writes V8 CPU profiles of the worker to .data/profiles/;
// PROFILE_SNAPSHOT=<ms> writes heap snapshots of those threads at each step (waiting that long for it).
// `node --import tsx bench/guard-worker-profile.ts`
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { guardWorkflowId } from '../domain/workflow-ids.js';
import { createGuardFleet, startBenchWorker, type BenchWorker } from './guard-fleet.js';
import { startBenchServices } from './services.js';

const STEPS = (process.env.PROFILE_STEPS ?? '0,200,1000').split(',').map(Number);
const say = (line: string) => console.log(`[profile] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const profileDir = path.resolve('.data', 'profiles');

const services = await startBenchServices({ exchangeTickMs: 0 });
const taskQueue = `profile-guards-${randomUUID().slice(0, 8)}`;
const fleet = await createGuardFleet(services.exchange, taskQueue, Math.max(...STEPS));

let probeWaiter: ((line: string) => void) | null = null;
async function startWorker(): Promise<BenchWorker> {
  if (process.env.PROFILE_CPU) fs.mkdirSync(profileDir, { recursive: true });
  return startBenchWorker({
    taskQueue, exchangeUrl: services.exchange.url,
    nodeArgs: ['--expose-gc', '--import', './bench/worker-probe.ts', ...(process.env.PROFILE_CPU ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    stdin: true,
    onLine: (line) => line.startsWith('probe ') && probeWaiter?.(line.slice(6)),
  });
}

/** RSS and heaps after a full GC in every thread of the worker. */
async function memory(w: BenchWorker): Promise<{ rssMiB: number; heapMiB: number; workflowHeapMiB: number }> {
  const line = await new Promise<string>((resolve) => {
    probeWaiter = resolve;
    w.process.stdin!.write('probe\n');
  });
  const probe = JSON.parse(line) as { rssMiB: number; threads: Array<{ threadId: number; usedMiB: number }> };
  return {
    rssMiB: probe.rssMiB,
    heapMiB: probe.threads.reduce((sum, t) => sum + t.usedMiB, 0),
    workflowHeapMiB: probe.threads.filter((t) => t.threadId !== 0).reduce((sum, t) => sum + t.usedMiB, 0),
  };
}

/** Waits until the worker has held no workflow task slot and started no workflow task for 1.5 s. */
async function settled(): Promise<void> {
  let last = -1;
  for (let quiet = 0; quiet < 3; await sleep(500)) {
    const m = await worker.metrics();
    const now = m.workflow_task_schedule_to_start_latency_count ?? 0;
    quiet = now === last && !m.workflow_worker_task_slots_used ? quiet + 1 : 0;
    last = now;
  }
}

/** Runs `work` and reports wall time, worker CPU and guard workflow task time (per `per` units). */
async function measure(w: BenchWorker, label: string, per: number, work: () => Promise<void>): Promise<void> {
  const m0 = await w.metrics();
  const cpu0 = w.cpuSeconds();
  const t0 = performance.now();
  await work();
  await settled();
  const wall = performance.now() - t0 - 1500;
  const m1 = await w.metrics();
  const cpu = (w.cpuSeconds() - cpu0) * 1000;
  const d = (key: string) => (m1[key] ?? 0) - (m0[key] ?? 0);
  const tasks = d('workflow_task_execution_latency_count');
  say(`${label}: ${per} in ${(wall / 1000).toFixed(1)} s; worker CPU ${(cpu / per).toFixed(1)} ms each; ${tasks} guard workflow tasks, ` +
    `execution ${(d('workflow_task_execution_latency_sum') / Math.max(tasks, 1)).toFixed(1)} ms avg ` +
    `(replay ${(d('workflow_task_replay_latency_sum') / Math.max(d('workflow_task_replay_latency_count'), 1)).toFixed(1)} ms), ` +
    `queue wait ${(d('workflow_task_schedule_to_start_latency_sum') / Math.max(d('workflow_task_schedule_to_start_latency_count'), 1)).toFixed(1)} ms avg; ` +
    `cache hits ${d('sticky_cache_hit')}, misses ${d('sticky_cache_miss')}, evictions ${d('sticky_cache_total_forced_eviction')}, size ${m1.sticky_cache_size ?? '?'}`);
}

/** One no-op signal per guard (a peak below the one it holds), 50 at a time: one activation each. */
async function poke(): Promise<void> {
  const ids = fleet.guards.map((g) => guardWorkflowId(g.id));
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(ids.slice(i, i + 50).map((id) => fleet.client.workflow.getHandle(id).signal('guardPrice', { kind: 'peak', peak: 0, at: Date.now() })));
  }
}

let worker = await startWorker();
try {
  await sleep(3000);
  const base = await memory(worker);
  say(`N=0: RSS ${base.rssMiB.toFixed(0)} MiB, heap ${base.heapMiB.toFixed(0)} MiB (workflow threads ${base.workflowHeapMiB.toFixed(0)} MiB)`);
  for (const n of STEPS.filter((x) => x > 0)) {
    const before = fleet.guards.length;
    await measure(worker, `create ${before}->${n}`, n - before, () => fleet.grow(n, { single: true })); // one workflow per guard from creation
    const mem = await memory(worker);
    say(`N=${n}: RSS ${mem.rssMiB.toFixed(0)} MiB (+${((mem.rssMiB - base.rssMiB) / n).toFixed(2)} per guard), heap ${mem.heapMiB.toFixed(0)} MiB ` +
      `(workflow threads ${mem.workflowHeapMiB.toFixed(0)} MiB, +${((mem.workflowHeapMiB - base.workflowHeapMiB) / n).toFixed(2)} per guard)`);
    await measure(worker, `warm signal N=${n}`, n, poke);
    if (process.env.PROFILE_SNAPSHOT) {
      worker.process.stdin!.write('snapshot\n');
      await sleep(Number(process.env.PROFILE_SNAPSHOT));
    }
  }
  if (fleet.guards.length > 0) {
    await worker.stop();
    worker = await startWorker();
    await measure(worker, `cold signal N=${fleet.guards.length} (after restart: replay)`, fleet.guards.length, poke);
    const mem = await memory(worker);
    say(`after cold signals: RSS ${mem.rssMiB.toFixed(0)} MiB, workflow threads' heap ${mem.workflowHeapMiB.toFixed(0)} MiB`);
  }
} finally {
  await worker.stop();
  await fleet.close();
  await services.stop();
}
if (process.env.PROFILE_CPU) say(`CPU profiles in ${profileDir}`);
process.exit(0);

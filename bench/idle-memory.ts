// Idle resident memory of the platform's processes under tsx (`npm start`) and compiled (`npm run build`, what images
// run): worker, API server and dashboard started against throwaway PostgreSQL + Temporal, left idle, then VmRSS read
// from /proc. Run `npm run build` first. BENCH_IDLE_MS (default 30 s) is how long each set idles before the reading.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../scripts/services/paths.js';
import { freePort, httpAnswers, waitFor } from '../scripts/services/ports.js';
import { startBenchServices } from './services.js';

const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 30_000);
const MODES = {
  tsx: { worker: ['--import', 'tsx', 'worker/main.ts'], server: ['--import', 'tsx', 'server/main.ts'] },
  compiled: { worker: ['dist/app/worker/main.js'], server: ['dist/app/server/main.js'] },
} as const;
for (const file of ['dist/app/worker/main.js', 'dist/app/server/main.js', 'web/build/index.js']) {
  if (!fs.existsSync(path.join(repoRoot, file))) throw new Error(`${file} is missing: run npm run build first`);
}

const rssMiB = (pid: number): number => {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
};

const services = await startBenchServices();
const results: Record<string, Record<string, number>> = {};
try {
  for (const [mode, args] of Object.entries(MODES)) {
    const [api, web, metrics] = await Promise.all([freePort(), freePort(), freePort()]);
    const env = {
      ...process.env, API_PORT: String(api), DASHBOARD_URL: `http://127.0.0.1:${web}`, WORKER_METRICS_ADDRESS: `127.0.0.1:${metrics}`,
      TEMPORAL_TASK_QUEUE: `bench-idle-${mode}-${process.pid}`, BOT_DRIVER: 'process', LOG_LEVEL: 'warn', NODE_ENV: 'production',
    };
    const start = (a: readonly string[], extra: Record<string, string> = {}): ChildProcess =>
      spawn(process.execPath, [...a], { cwd: repoRoot, env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'inherit'] });
    const procs = {
      worker: start(args.worker),
      server: start(args.server),
      web: start(['web/build/index.js'], { PORT: String(web), HOST: '127.0.0.1', ORIGIN: `http://127.0.0.1:${web}`, API_URL: `http://127.0.0.1:${api}` }),
    };
    try {
      const alive = () => Object.values(procs).every((p) => p.exitCode === null);
      await waitFor(`${mode}: API`, () => httpAnswers(`http://127.0.0.1:${api}/api/health`, 299), { timeoutMs: 180_000, alive });
      await waitFor(`${mode}: worker metrics`, () => httpAnswers(`http://127.0.0.1:${metrics}/metrics`, 299), { timeoutMs: 180_000, alive });
      await waitFor(`${mode}: dashboard`, () => httpAnswers(`http://127.0.0.1:${web}/signin`, 399), { timeoutMs: 180_000, alive });
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      results[mode] = Object.fromEntries(Object.entries(procs).map(([name, p]) => [name, rssMiB(p.pid!)]));
    } finally {
      for (const p of Object.values(procs)) p.kill('SIGTERM');
      await Promise.all(Object.values(procs).map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : undefined)));
    }
  }
} finally {
  await services.stop();
}

console.log(`\nidle resident memory (VmRSS, MiB) after ${IDLE_MS / 1000} s idle; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
console.log('process   tsx      compiled  compiled/tsx');
for (const name of ['server', 'worker', 'web']) {
  const a = results.tsx?.[name] ?? NaN;
  const b = results.compiled?.[name] ?? NaN;
  console.log(`${name.padEnd(9)} ${a.toFixed(0).padStart(5)}    ${b.toFixed(0).padStart(5)}     ${(b / a).toFixed(2)}`);
}
process.exit(0);

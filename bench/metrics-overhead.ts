// Benchmark: what the platform's metrics and traces cost, in one run on the same machine.
// 1. The API: three API apps in this process on the same database: without request metrics; with them and /metrics
//    scraped every second (as Prometheus would at its fastest, which runs the fleet queries); with metrics and a trace
//    span per request exported over OTLP/HTTP to a receiver in this process. Each gets GET /api/bots at a fixed rate
//    over a real socket, in alternating rounds: p50/p95/p99 latency of each and this process's CPU per round.
// 2. The worker: a real worker process (worker/main.ts) per round, in three settings (metrics off; metrics on and
//    scraped every second; metrics and tracing on), provisioning and deleting bots in Docker through the API; its CPU
//    seconds per bot, and how many spans a traced round exported (the API starting the bots traces in that setting only).
// Usage: node --import tsx bench/metrics-overhead.ts [rate/s] [seconds per API round] [bots per worker round]
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { TraceSettings } from '../domain/trace-config.js';
import { freePort } from '../scripts/services/ports.js';
import { startTracing } from '../telemetry/tracing.js';
import { startOtlpReceiver } from '../test/otlp-receiver.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from '../test/platform.js';
import { killWorker, spawnWorker } from '../test/worker-process.js';
import { cpuMeter } from './cpu-meter.js';
import { percentile, provisionBot, startBenchServices } from './services.js';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 15);
const BOTS = Number(process.argv[4] ?? 4);
const ROUNDS = 3;
const WORKER_ROUNDS = 2;

const services = await startBenchServices();
// The API's spans go to a receiver that only counts them (decoding them here would be counted as the API's CPU); the
// worker's, in another process, to one that keeps them.
const apiReceiver = await startOtlpReceiver({ keep: false });
const receiver = await startOtlpReceiver();
// Tracing on in this process, for the traced app only (the others are built without request spans).
process.env.OTEL_BSP_SCHEDULE_DELAY = '1000';
await startTracing('tradefleet-bench', TraceSettings.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: apiReceiver.url }));
const without = await startPlatform({ worker: false, metrics: false, tracing: false });
const withMetrics = await startPlatform({ worker: false, tracing: false });
const traced = await startPlatform({ worker: false, tracing: true });

async function serve(p: TestPlatform) {
  const server = p.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const user = await signedUpAgent(p.app);
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cookie: user.cookie };
}
const off = await serve(without);
const on = await serve(withMetrics);
const tracedApi = await serve(traced);
// Ten bots' worth of rows would need a worker; the list is the user's (empty) plus the session and token checks.

async function round(target: { url: string; cookie: string }, scrape: boolean) {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const scraper = scrape ? setInterval(() => void fetch(`${target.url}/metrics`).then((r) => r.text()), 1000) : null;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < RATE * SECONDS; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push((async () => {
      const t = performance.now();
      const res = await fetch(`${target.url}/api/bots`, { headers: { cookie: target.cookie } });
      await res.text();
      latencies.push(performance.now() - t);
    })());
  }
  await Promise.all(inflight);
  if (scraper) clearInterval(scraper);
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), cpuS: (cpu.user + cpu.system) / 1e6 };
}

type Round = Awaited<ReturnType<typeof round>>;
const results: Record<'off' | 'on' | 'traced', Round[]> = { off: [], on: [], traced: [] };
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load0 = os.loadavg()[0]!;
const apiExports0 = { ...apiReceiver.received };
for (let r = 0; r < ROUNDS; r++) {
  results.off.push(await round(off, false));
  results.on.push(await round(on, true));
  results.traced.push(await round(tracedApi, true));
}
const load1 = os.loadavg()[0]!;
const line = (name: string, rs: Round[]) =>
  `${name.padEnd(30)} p50 ${med(rs.map((x) => x.p50)).toFixed(2)} ms  p95 ${med(rs.map((x) => x.p95)).toFixed(2)} ms  p99 ${med(rs.map((x) => x.p99)).toFixed(2)} ms  CPU ${med(rs.map((x) => x.cpuS)).toFixed(2)} s per ${SECONDS} s round`;
console.log(`API: GET /api/bots at ${RATE}/s, ${ROUNDS} alternating rounds of ${SECONDS} s (medians); load average ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${os.cpus().length} cores`);
console.log(line('metrics off', results.off));
console.log(line('metrics on + 1 s scrape', results.on));
console.log(line('metrics + traces on + 1 s scrape', results.traced));
const ratio = (a: Round[], b: Round[], k: 'p95' | 'cpuS') => (med(a.map((x) => x[k])) / med(b.map((x) => x[k]))).toFixed(2);
console.log(`p95 ratio metrics/off ${ratio(results.on, results.off, 'p95')}, traces/metrics ${ratio(results.traced, results.on, 'p95')}; ` +
  `CPU ratio metrics/off ${ratio(results.on, results.off, 'cpuS')}, traces/metrics ${ratio(results.traced, results.on, 'cpuS')}; ` +
  `${apiReceiver.received.requests - apiExports0.requests} OTLP exports (${((apiReceiver.received.bytes - apiExports0.bytes) / 1e6).toFixed(1)} MB) from the traced app`);
for (const s of [off, on, tracedApi]) s.server.close();

// 2. The worker.
type Setting = 'metrics off' | 'metrics on' | 'metrics + traces on';
async function workerRound(setting: Setting): Promise<{ cpuPerBot: number; spans: number; others: string }> {
  // The API's client traces only in the traced setting: a run started with a trace is traced on any worker.
  const api = await startPlatform({ worker: false, tracing: setting === 'metrics + traces on', env: { BOT_DRIVER: 'docker' } });
  const metricsPorts = setting === 'metrics off' ? null : [await freePort(), await freePort()];
  const worker: ChildProcess = spawnWorker(api.config, {
    WORKER_METRICS_ADDRESS: metricsPorts ? `127.0.0.1:${metricsPorts[0]}` : '',
    WORKER_APP_METRICS_ADDRESS: metricsPorts ? `127.0.0.1:${metricsPorts[1]}` : '',
    OTEL_EXPORTER_OTLP_ENDPOINT: setting === 'metrics + traces on' ? receiver.url : '',
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    LOG_LEVEL: 'info',
  });
  let out = '';
  worker.stdout!.on('data', (c: Buffer) => void (out = (out + c.toString()).slice(-20_000)));
  const scraper = metricsPorts
    ? setInterval(() => {
        for (const port of metricsPorts) void fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(() => undefined);
      }, 1000)
    : null;
  try {
    await waitFor('the worker ready', async () => out.includes('worker ready'), 120_000);
    const user = await signedUpAgent(api.app);
    const spans0 = receiver.spans.filter((s) => s.service === 'tradefleet-worker').length;
    const meter = cpuMeter({ worker: { pid: worker.pid! } });
    const from = meter.sample();
    for (let i = 0; i < BOTS; i++) {
      const { id } = await provisionBot(api, user, { name: `overhead ${i}`, pairs: ['BTC/USDT'], stakeAmount: 10 }, 180_000);
      const deleted = await user.agent.delete(`/api/bots/${id}`).set('Origin', ORIGIN);
      if (deleted.status !== 200) throw new Error(`delete failed: ${JSON.stringify(deleted.body)}`);
    }
    const to = meter.sample();
    // Spans still in the worker's batch leave within a second.
    if (setting === 'metrics + traces on') await new Promise((r) => setTimeout(r, 2_000));
    return {
      cpuPerBot: (to.groups['worker']! - from.groups['worker']!) / BOTS,
      spans: receiver.spans.filter((s) => s.service === 'tradefleet-worker').length - spans0,
      others: meter.report(from, to),
    };
  } finally {
    if (scraper) clearInterval(scraper);
    await killWorker(worker);
    await api.stop();
  }
}

if (BOTS > 0) {
  const settings: Setting[] = ['metrics off', 'metrics on', 'metrics + traces on'];
  const worker: Record<Setting, Array<Awaited<ReturnType<typeof workerRound>>>> = { 'metrics off': [], 'metrics on': [], 'metrics + traces on': [] };
  const wLoad0 = os.loadavg()[0]!;
  for (let r = 0; r < WORKER_ROUNDS; r++) {
    for (const s of settings) {
      const result = await workerRound(s);
      worker[s].push(result);
      console.log(`  worker round ${r + 1}, ${s}: ${result.cpuPerBot.toFixed(3)} CPU s per bot (create + delete), ${result.spans} spans; ${result.others}`);
    }
  }
  const wLoad1 = os.loadavg()[0]!;
  console.log(`Worker: ${BOTS} Docker bots created and deleted per round, ${WORKER_ROUNDS} rounds per setting (medians); load average ${wLoad0.toFixed(2)} → ${wLoad1.toFixed(2)}`);
  for (const s of settings) {
    console.log(`${s.padEnd(30)} ${med(worker[s].map((x) => x.cpuPerBot)).toFixed(3)} CPU s per bot, ${med(worker[s].map((x) => x.spans))} spans per round`);
  }
  const per = (s: Setting) => med(worker[s].map((x) => x.cpuPerBot));
  console.log(`worker CPU ratio metrics/off ${(per('metrics on') / per('metrics off')).toFixed(2)}, traces/metrics ${(per('metrics + traces on') / per('metrics on')).toFixed(2)}`);
}

await without.stop();
await withMetrics.stop();
await traced.stop();
await receiver.close();
await apiReceiver.close();
await services.stop();
process.exit(0);

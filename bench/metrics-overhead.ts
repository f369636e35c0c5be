// Benchmark: what the API's metrics cost. Two API apps in this process on the same database, one with request metrics
// and /metrics (scraped every second, as Prometheus would at its fastest, which runs the fleet queries), one without;
// each gets GET /api/bots at a fixed rate over a real socket, in alternating rounds. Prints p50/p95/p99 latency of
// each and the process's CPU per round. Usage: node --import tsx bench/metrics-overhead.ts [rate/s] [seconds per round]
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { signedUpAgent, startPlatform, type TestPlatform } from '../test/platform.js';
import { percentile, startBenchServices } from './services.js';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 15);
const ROUNDS = 3;

const services = await startBenchServices();
const withMetrics = await startPlatform({ worker: false });
const without = await startPlatform({ worker: false, metrics: false });

async function serve(p: TestPlatform) {
  const server = p.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const user = await signedUpAgent(p.app);
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cookie: user.cookie };
}
const on = await serve(withMetrics);
const off = await serve(without);
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

const results: Record<'on' | 'off', Array<Awaited<ReturnType<typeof round>>>> = { on: [], off: [] };
const load0 = os.loadavg()[0]!;
for (let r = 0; r < ROUNDS; r++) {
  results.off.push(await round(off, false));
  results.on.push(await round(on, true));
}
const load1 = os.loadavg()[0]!;
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const line = (name: string, rs: typeof results.on) =>
  `${name.padEnd(22)} p50 ${med(rs.map((x) => x.p50)).toFixed(2)} ms  p95 ${med(rs.map((x) => x.p95)).toFixed(2)} ms  p99 ${med(rs.map((x) => x.p99)).toFixed(2)} ms  CPU ${med(rs.map((x) => x.cpuS)).toFixed(2)} s per ${SECONDS} s round`;
console.log(`GET /api/bots at ${RATE}/s, ${ROUNDS} alternating rounds of ${SECONDS} s (medians); load average ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${os.cpus().length} cores`);
console.log(line('metrics off', results.off));
console.log(line('metrics on + 1 s scrape', results.on));
const ratio = med(results.on.map((x) => x.p95)) / med(results.off.map((x) => x.p95));
console.log(`p95 ratio on/off: ${ratio.toFixed(2)}; CPU ratio on/off: ${(med(results.on.map((x) => x.cpuS)) / med(results.off.map((x) => x.cpuS))).toFixed(2)}`);

on.server.close();
off.server.close();
await withMetrics.stop();
await without.stop();
await services.stop();
process.exit(0);

// Provision latency API → running for 20 bots (sequential and concurrent), and memory of one idle bot container.
import Docker from 'dockerode';
import { containerMemoryMiB } from '../activities/docker-stats.js';
import { ORIGIN, signedUpAgent, startPlatform } from '../test/platform.js';
import { percentile, provisionBot, startBenchServices } from './services.js';

const N = Number(process.env.BENCH_BOTS ?? 20);
const services = await startBenchServices();
// One user creates every bot of the benchmark: the per-user bot quotas are raised to it.
const platform = await startPlatform({ env: { BOT_DRIVER: 'docker', MAX_BOTS_PER_USER: String(N) } });
const docker = new Docker();
const user = await signedUpAgent(platform.app);

const provisionOne = (i: number) => provisionBot(platform, user, { name: `bench ${i}`, pairs: ['BTC/USDT'], stakeAmount: 10 }, 120_000);

const report = (label: string, ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  console.log(`${label}: n=${s.length} median ${percentile(s, 50).toFixed(0)} ms, p95 ${percentile(s, 95).toFixed(0)} ms, max ${s.at(-1)!.toFixed(0)} ms`);
};

try {
  const sequential: { id: string; ms: number }[] = [];
  for (let i = 0; i < N; i++) sequential.push(await provisionOne(i));
  report('provision API→running, one at a time', sequential.map((r) => r.ms));

  const t0 = performance.now();
  const concurrent = await Promise.all(Array.from({ length: N }, (_, i) => provisionOne(N + i)));
  report(`provision API→running, ${N} at once`, concurrent.map((r) => r.ms));
  console.log(`  ${N} bots at once: all running after ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  await new Promise((r) => setTimeout(r, 3000)); // let the hosts settle before measuring memory
  const mem: number[] = [];
  for (const { id } of sequential.slice(0, 5)) {
    const [c] = await docker.listContainers({ filters: { label: [`tradefleet.bot=${id}`] } });
    mem.push(await containerMemoryMiB(docker, c!.Id));
  }
  console.log(`memory of one idle bot container (docker stats, 5 samples): ${mem.map((m) => m.toFixed(1)).join(', ')} MiB`);

  for (const { id } of [...sequential, ...concurrent]) await user.agent.delete(`/api/bots/${id}`).set('Origin', ORIGIN);
} finally {
  await platform.stop();
  await services.stop();
}

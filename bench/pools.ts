// Pooled against dedicated: provisions BENCH_BOTS (50) builtin bots of 10 pairs each, trading in dry-run on the paper
// exchange, first into pool containers and then one container per bot, in one run. Prints the provisioning time of all
// of them (and per bot: median, p95), the total memory of their containers from Docker's stats once they have settled,
// memory per bot, and the ratio dedicated / pooled.
import Docker from 'dockerode';
import { containerMemoryMiB } from '../activities/docker-stats.js';
import { ORIGIN, signedUpAgent, startPlatform } from '../test/platform.js';
import { percentile, provisionBot, startBenchServices } from './services.js';

const N = Number(process.env.BENCH_BOTS ?? 50);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 30_000);
const PAIRS = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'ADA', 'DOGE', 'TRX', 'LTC', 'DOT'].map((b) => `${b}/USDT`);

const services = await startBenchServices();
// One user creates every bot of the benchmark: the per-user bot quotas are raised to it.
const platform = await startPlatform({ env: { BOT_DRIVER: 'docker', BOT_PLACEMENT: 'pool', MAX_BOTS_PER_USER: String(2 * N) } });
const docker = new Docker();
const user = await signedUpAgent(platform.app);

const provision = (i: number, placement: 'pool' | 'dedicated') =>
  provisionBot(platform, user, { name: `bench ${placement} ${i}`, pairs: PAIRS, stakeAmount: 10, placement }, 600_000);

async function memoryMiB(filter: string, botIds: string[] | null): Promise<{ total: number; containers: number }> {
  const containers = (await docker.listContainers({ filters: { label: [filter] } })).filter((c) => !botIds || botIds.includes(c.Labels['tradefleet.bot'] ?? ''));
  const used = await Promise.all(
    containers.map((c) => containerMemoryMiB(docker, c.Id)),
  );
  return { total: used.reduce((a, b) => a + b, 0), containers: containers.length };
}

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 10);

/** One bot at a time: the latency a user sees creating a bot on a quiet platform. */
async function oneAtATime(placement: 'pool' | 'dedicated'): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const b = await provision(1000 + i, placement);
    ms.push(b.ms);
    await user.agent.delete(`/api/bots/${b.id}`).set('Origin', ORIGIN);
  }
  return percentile(ms.sort((a, b) => a - b), 50);
}

async function phase(placement: 'pool' | 'dedicated', label: string) {
  const single = await oneAtATime(placement);
  console.log(`${label}: one bot at a time, API -> running: median ${(single / 1000).toFixed(2)} s over ${SEQUENTIAL}`);
  const t0 = performance.now();
  const bots = await Promise.all(Array.from({ length: N }, (_, i) => provision(i, placement)));
  const allMs = performance.now() - t0;
  const per = bots.map((b) => b.ms).sort((a, b) => a - b);
  await new Promise((r) => setTimeout(r, SETTLE_MS)); // candles loaded, trading loops running
  const mem = placement === 'pool'
    ? await memoryMiB(`tradefleet.pool=${platform.config.BOT_POOL_ID}`, null)
    : await memoryMiB('tradefleet.bot', bots.map((b) => b.id));
  console.log(
    `${label}: ${N} bots running after ${(allMs / 1000).toFixed(1)} s (per bot median ${(percentile(per, 50) / 1000).toFixed(1)} s, ` +
      `p95 ${(percentile(per, 95) / 1000).toFixed(1)} s); ${mem.containers} containers, ${mem.total.toFixed(0)} MiB in all, ` +
      `${(mem.total / N).toFixed(1)} MiB per bot`,
  );
  for (const b of bots) await user.agent.delete(`/api/bots/${b.id}`).set('Origin', ORIGIN);
  return { allMs, p95: percentile(per, 95), memory: mem.total, single };
}

try {
  const pooled = await phase('pool', 'pooled');
  const dedicated = await phase('dedicated', 'dedicated');
  console.log(`memory dedicated / pooled: ${(dedicated.memory / pooled.memory).toFixed(1)}x (target >= 10x, pooled <= 1024 MiB)`);
  console.log(`provisioning all ${N}: pooled ${(pooled.allMs / 1000).toFixed(1)} s vs dedicated ${(dedicated.allMs / 1000).toFixed(1)} s ` +
    `(${(dedicated.allMs / pooled.allMs).toFixed(1)}x); p95 per bot ${(pooled.p95 / 1000).toFixed(1)} s vs ${(dedicated.p95 / 1000).toFixed(1)} s; ` +
    `one at a time: median ${(pooled.single / 1000).toFixed(2)} s vs ${(dedicated.single / 1000).toFixed(2)} s`);
} finally {
  for (const c of await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${platform.config.BOT_POOL_ID}`] } })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true });
  }
  await platform.stop();
  await services.stop();
}

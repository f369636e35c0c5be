// FreqTrade bots: provision latency API → running over N bots (one at a time, the earlier ones left running), and
// memory per idle FreqTrade bot container (docker stats) beside one builtin bot's.
import Docker from 'dockerode';
import { containerMemoryMiB } from '../activities/docker-stats.js';
import { ORIGIN, signedUpAgent, startPlatform } from '../test/platform.js';
import { percentile, provisionBot, startBenchServices } from './services.js';

const N = Number(process.env.BENCH_BOTS ?? 10);
const services = await startBenchServices();
// One user creates every bot of the benchmark: the per-user bot quotas are raised to it.
const platform = await startPlatform({ env: { BOT_DRIVER: 'docker', MAX_BOTS_PER_USER: String(N), MAX_FREQTRADE_BOTS_PER_USER: String(N) } });
const docker = new Docker();
const user = await signedUpAgent(platform.app);

const provision = (name: string, engine: 'builtin' | 'freqtrade') =>
  provisionBot(platform, user, { name, pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 20, engine }, 300_000);

/** Memory as `docker stats` shows it: usage minus the inactive page cache. */
async function memoryMiB(botId: string): Promise<number> {
  const [c] = await docker.listContainers({ filters: { label: [`tradefleet.bot=${botId}`] } });
  return containerMemoryMiB(docker, c!.Id);
}

const bots: string[] = [];
try {
  const latencies: number[] = [];
  for (let i = 0; i < N; i++) {
    const { id, ms } = await provision(`ft bench ${i}`, 'freqtrade');
    bots.push(id);
    latencies.push(ms);
    console.log(`  bot ${i + 1}/${N} running after ${(ms / 1000).toFixed(1)} s`);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`FreqTrade provision API→running: n=${N} median ${(percentile(sorted, 50) / 1000).toFixed(1)} s, p95 ${(percentile(sorted, 95) / 1000).toFixed(1)} s, max ${(sorted.at(-1)! / 1000).toFixed(1)} s`);

  const builtin = await provision('builtin bench', 'builtin');
  bots.push(builtin.id);
  console.log(`builtin provision API→running (for comparison): ${(builtin.ms / 1000).toFixed(1)} s`);

  await new Promise((r) => setTimeout(r, 20_000)); // let every bot finish its first loops before measuring memory
  const ft = await Promise.all(bots.slice(0, N).map(memoryMiB));
  const ftSorted = [...ft].sort((a, b) => a - b);
  console.log(`memory per idle FreqTrade bot, 2 pairs (docker stats, ${N} containers): median ${percentile(ftSorted, 50).toFixed(0)} MiB, min ${ftSorted[0]!.toFixed(0)}, max ${ftSorted.at(-1)!.toFixed(0)} MiB`);
  console.log(`memory of an idle builtin bot container, 2 pairs: ${(await memoryMiB(builtin.id)).toFixed(1)} MiB`);
} finally {
  for (const id of bots) await user.agent.delete(`/api/bots/${id}`).set('Origin', ORIGIN);
  await platform.stop();
  await services.stop();
}

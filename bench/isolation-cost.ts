// What tenant isolation costs a user creating a bot: provision latency API → running (median and p95 over BENCH_BOTS,
// one at a time, each left running) and memory per bot from Docker's stats, for a pooled builtin bot, a dedicated
// builtin bot and a FreqTrade bot. The same file runs on a checkout before the change to compare (docs/benchmarks.md).
import Docker from 'dockerode';
import { containerMemoryMiB } from '../activities/docker-stats.js';
import { ORIGIN, signedUpAgent, startPlatform } from '../test/platform.js';
import { percentile, provisionBot, startBenchServices } from './services.js';

const N = Number(process.env.BENCH_BOTS ?? 10);
/** FreqTrade bots take ~250 MiB and ~30 s each: fewer of them by default. */
const N_FREQTRADE = Number(process.env.BENCH_FREQTRADE_BOTS ?? N);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
const KINDS = (process.env.BENCH_KINDS ?? 'pool,dedicated,freqtrade').split(',') as Kind[];
type Kind = 'pool' | 'dedicated' | 'freqtrade';

const services = await startBenchServices();
const platform = await startPlatform({
  env: { BOT_DRIVER: 'docker', MAX_BOTS_PER_USER: String(3 * N), MAX_FREQTRADE_BOTS_PER_USER: String(N_FREQTRADE) },
});
const docker = new Docker();
const user = await signedUpAgent(platform.app);

const usedMiB = (id: string): Promise<number> => containerMemoryMiB(docker, id);

async function memoryPerBot(kind: Kind, ids: string[]): Promise<number> {
  const label = kind === 'pool' ? `tradefleet.pool=${platform.config.BOT_POOL_ID}` : 'tradefleet.bot';
  const containers = (await docker.listContainers({ filters: { label: [label] } }))
    .filter((c) => kind === 'pool' || ids.includes(c.Labels['tradefleet.bot'] ?? ''));
  const total = (await Promise.all(containers.map((c) => usedMiB(c.Id)))).reduce((a, b) => a + b, 0);
  return total / ids.length;
}

async function measure(kind: Kind): Promise<void> {
  const n = kind === 'freqtrade' ? N_FREQTRADE : N;
  const body = (i: number) => ({
    name: `cost ${kind} ${i}`, pairs: ['BTC/USDT'], stakeAmount: 10,
    // A FreqTrade bot without a strategy version runs the first bundled one.
    ...(kind === 'freqtrade' ? { engine: 'freqtrade' } : { placement: kind }),
  });
  const bots: Array<{ id: string; ms: number }> = [];
  for (let i = 0; i < n; i++) bots.push(await provisionBot(platform, user, body(i), 300_000));
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const ms = bots.map((b) => b.ms).sort((a, b) => a - b);
  const mem = await memoryPerBot(kind, bots.map((b) => b.id));
  console.log(`${kind}: n=${n} API -> running median ${(percentile(ms, 50) / 1000).toFixed(2)} s, p95 ${(percentile(ms, 95) / 1000).toFixed(2)} s; ` +
    `memory ${mem.toFixed(1)} MiB per bot`);
  for (const b of bots) await user.agent.delete(`/api/bots/${b.id}`).set('Origin', ORIGIN);
}

try {
  for (const kind of KINDS) await measure(kind);
} finally {
  for (const c of await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${platform.config.BOT_POOL_ID}`] } })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true });
  }
  await platform.stop();
  await services.stop();
}

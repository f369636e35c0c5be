// Pooled FreqTrade through the platform (issue 15's benchmark): BENCH_USERS (10) users × BENCH_BOTS_PER_USER (5) real
// FreqTrade bots of 2 pairs each, the bundled strategies in turn, dry-run on the paper exchange, created at once through
// the API and placed by the FreqTrade pool's scaler; then BENCH_SEQUENTIAL (5) more pooled bots one at a time; then
// BENCH_DEDICATED (5) dedicated FreqTrade bots in the same run. Prints the time until all pooled bots run, the pool
// containers' memory by `docker stats` with exactly those bots placed (each container, in all, per bot), one-at-a-time
// provisioning (API -> running, median and p95), the dedicated containers' memory per bot, and the ratio (dedicated per
// bot × the pooled count against the pooled total).
import { readdirSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { freqtradePoolId } from '../domain/freqtrade-pool.js';
import { ORIGIN, signedUpAgent, startPlatform } from '../test/platform.js';
import { percentile, provisionBot, startBenchServices } from './services.js';

const USERS = Number(process.env.BENCH_USERS ?? 10);
const PER_USER = Number(process.env.BENCH_BOTS_PER_USER ?? 5);
const DEDICATED = Number(process.env.BENCH_DEDICATED ?? 5);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 5);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 60_000);
const PAIRS = ['BTC/USDT', 'ETH/USDT'];

const services = await startBenchServices();
const quota = String(PER_USER + SEQUENTIAL + DEDICATED);
const platform = await startPlatform({
  env: { BOT_DRIVER: 'docker', FREQTRADE_PLACEMENT: 'pool', MAX_BOTS_PER_USER: quota, MAX_FREQTRADE_BOTS_PER_USER: quota },
});
const poolId = freqtradePoolId(platform.config.BOT_POOL_ID);
const docker = new Docker();
const users = await Promise.all(Array.from({ length: USERS }, () => signedUpAgent(platform.app)));
const strategies = ((await users[0]!.agent.get('/api/strategies')).body.strategies as Array<{ id: string; name: string; engine: string }>)
  .filter((s) => s.engine === 'freqtrade' && s.name.startsWith('Tf'));

const body = (name: string, i: number, placement: 'pool' | 'dedicated') => ({
  name, pairs: PAIRS, stakeAmount: 10, engine: 'freqtrade', placement, strategyVersionId: strategies[i % strategies.length]!.id,
});

/** Memory by `docker stats` (usage less inactive file cache, as `docker stats` shows it) of each container carrying `label`. */
async function dockerStatsMiB(label: string, botIds?: string[]): Promise<{ total: number; containers: number; each: number[] }> {
  const containers = (await docker.listContainers({ filters: { label: [label] } })).filter((c) => !botIds || botIds.includes(c.Labels['tradefleet.bot'] ?? ''));
  const each = await Promise.all(containers.map(async (c) => {
    const s = (await docker.getContainer(c.Id).stats({ stream: false })) as { memory_stats: { usage: number; stats?: Record<string, number> } };
    return (s.memory_stats.usage - (s.memory_stats.stats?.inactive_file ?? 0)) / 2 ** 20;
  }));
  return { total: each.reduce((a, b) => a + b, 0), containers: containers.length, each };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** The host's KSM (merging the pooled bots' copies of their parent's pages): on, pages merged, ksmd's CPU seconds. */
function ksm(): { on: boolean; sharingMiB: number; cpuS: number } {
  const read = (f: string) => { try { return readFileSync(f, 'utf8').trim(); } catch { return ''; } };
  const pid = execPid('ksmd');
  const stat = pid ? read(`/proc/${pid}/stat`).split(' ') : [];
  return { on: read('/sys/kernel/mm/ksm/run') === '1', sharingMiB: (Number(read('/sys/kernel/mm/ksm/pages_sharing')) * 4) / 1024, cpuS: (Number(stat[13] ?? 0) + Number(stat[14] ?? 0)) / 100 };
}
function execPid(name: string): string | null {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try { if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) return pid; } catch { /* gone */ }
  }
  return null;
}
const ksmAtStart = ksm();

try {
  const n = USERS * PER_USER;
  const t0 = performance.now();
  await Promise.all(users.flatMap((user, u) =>
    Array.from({ length: PER_USER }, (_, i) => provisionBot(platform, user, body(`pooled ${u}.${i}`, u * PER_USER + i, 'pool'), 1_200_000))));
  const allMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, SETTLE_MS)); // candles loaded, trading loops running
  // The bar's figure: exactly the n bots, every container of the pool counted.
  let pool = await dockerStatsMiB(`tradefleet.pool=${poolId}`);
  if (ksmAtStart.on) {
    // KSM merges in passes over every bot's memory: measured again every 30 s until the total settles (5 minutes at most).
    console.log(`pooled after ${s(SETTLE_MS)}: ${pool.total.toFixed(0)} MiB; KSM merging ${ksm().sharingMiB.toFixed(0)} MiB, waiting for it to settle`);
    const waitStart = performance.now();
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 30_000));
      const again = await dockerStatsMiB(`tradefleet.pool=${poolId}`);
      const settled = Math.abs(again.total - pool.total) < pool.total * 0.01;
      pool = again;
      if (settled) break;
    }
    const now = ksm();
    console.log(`KSM: settled ${s(performance.now() - waitStart)} later; ${now.sharingMiB.toFixed(0)} MiB of bot pages merged away; ksmd used ${(now.cpuS - ksmAtStart.cpuS).toFixed(0)} s of CPU since the benchmark began`);
  } else {
    console.log('KSM is off on this host: the pooled bots keep their own copies of their parent\'s pages');
  }
  console.log(`pooled: ${n} bots of ${USERS} users all running ${s(allMs)} after their creates; ${pool.containers} container(s) ` +
    `[${pool.each.map((m) => m.toFixed(0)).join(', ')}] MiB: ${pool.total.toFixed(0)} MiB in all (docker stats), ` +
    `${(pool.total / n).toFixed(1)} MiB per bot; ${((pool.total * 2 ** 20) / 1e9).toFixed(2)} GB (bar: <= 3 GB)`);
  const single: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) single.push((await provisionBot(platform, users[i % USERS]!, body(`one at a time ${i}`, i, 'pool'), 600_000)).ms);
  single.sort((a, b) => a - b);
  console.log(`pooled, one at a time after those (API -> running): median ${s(percentile(single, 50))}, p95 ${s(percentile(single, 95))} over ${SEQUENTIAL}`);
  const count = n;

  const dedicated = [];
  for (let i = 0; i < DEDICATED; i++) dedicated.push(await provisionBot(platform, users[i % USERS]!, body(`dedicated ${i}`, i, 'dedicated'), 600_000));
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const own = await dockerStatsMiB('tradefleet.bot', dedicated.map((b) => b.id));
  const perDedicated = own.total / Math.max(1, own.containers);
  console.log(`dedicated: ${DEDICATED} bots, ${perDedicated.toFixed(1)} MiB each; ${count} would take ${((perDedicated * count) / 1024).toFixed(2)} GiB`);
  console.log(`memory dedicated / pooled: ${((perDedicated * count) / pool.total).toFixed(1)}x (bar: >= 4x, pooled <= 3 GB for 50)`);
  for (const user of users) {
    for (const b of (await user.agent.get('/api/bots')).body.bots as Array<{ id: string }>) await user.agent.delete(`/api/bots/${b.id}`).set('Origin', ORIGIN);
  }
} finally {
  // The scaler may be removing an emptied container already (409): that one goes either way.
  await platform.stopWorker().catch(() => undefined);
  for (const c of await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${poolId}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters: { label: [`tradefleet.pool=${poolId}`] } })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
  await platform.stop();
  await services.stop();
}

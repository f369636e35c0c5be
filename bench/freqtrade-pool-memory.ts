// Real FreqTrade bots, pooled (one container, bots forked from one parent into their own sandboxes) against dedicated
// (one container each, as the `freqtrade` engine runs them today), in one run on the real dockerd, dry-run on the paper
// exchange with the bundled strategies and 2 pairs each. Prints total memory by `docker stats`, memory per bot, each
// pooled bot's private memory (USS/PSS from smaps_rollup), the ratio, time until all pooled bots answer, one-at-a-time
// latency (bot list written -> API answers) and the machine's load. At the Docker-host level: no platform, no API.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import Docker from 'dockerode';
import { createBotChannels } from '../activities/bot-channels.js';
import { BOT_UID } from '../activities/container-hardening.js';
import { exchangeApiUrls } from '../activities/exchange-client.js';
import { createFreqtradeRuntime } from '../activities/freqtrade-runtime.js';
import { ccxtProxySetting, egressAllowlist } from '../domain/bot-channel.js';
import { BUNDLED_FREQTRADE_STRATEGIES } from '../domain/bundled-freqtrade-strategies.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { DEFAULT_FREQTRADE_VERSION, freqtradeConfig } from '../domain/freqtrade-config.js';
import { startPaperExchange } from '../exchange/server.js';
import { startPoolHarness, type HarnessBot } from '../test/freqtrade-pool-harness.js';
import { containerMemoryMiB } from '../activities/docker-stats.js';
import { percentile } from './services.js';

const POOLED = Number(process.env.BENCH_BOTS ?? 10);
const SEQUENTIAL = Math.min(POOLED, Number(process.env.BENCH_SEQUENTIAL ?? 3));
const DEDICATED = Number(process.env.BENCH_DEDICATED ?? 3);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 60_000);
const PAIRS = ['BTC/USDT', 'ETH/USDT'];
const tag = randomBytes(3).toString('hex');
const mib = (kb: number) => (kb / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

const docker = new Docker();
const exchange = await startPaperExchange({ port: 0, seed: `bench-ftpool-${tag}` });
const bot = (i: number): HarnessBot => {
  const s = BUNDLED_FREQTRADE_STRATEGIES[i % BUNDLED_FREQTRADE_STRATEGIES.length]!;
  return { botId: `bench-${tag}-${i}`, name: `bench ${i}`, apiPort: 20000 + i, pairs: PAIRS, strategyClass: s.className, strategy: s.source };
};

const statsMiB = (id: string): Promise<number> => containerMemoryMiB(docker, id);

async function untilAnswers(ping: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ping().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('a bot did not answer in time');
    await sleep(250);
  }
}

console.log(`machine: ${os.cpus().length} cores, load ${load()} at start`);
const pool = await startPoolHarness({ paperUrl: exchange.url, memoryMb: Math.max(3072, 150 * POOLED), label: 'bench-freqtrade-pool' });
const dedicatedRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'tf-bench-ded-'));
const channels = createBotChannels(dedicatedRoot, () => true);
const runtime = createFreqtradeRuntime(docker, { channels, memoryMb: 768, cpus: 1, pidsLimit: 256 });
const dedicatedIds: string[] = [];
try {
  // Pooled: all but the last few at once, then those one at a time.
  const batch = Array.from({ length: POOLED - SEQUENTIAL }, (_, i) => bot(i));
  const t0 = Date.now();
  await pool.add(batch);
  await Promise.all(batch.map((b) => untilAnswers(() => pool.client(b.botId).ping())));
  const allMs = Date.now() - t0;
  console.log(`pooled: ${batch.length} bots written at once, all answering after ${(allMs / 1000).toFixed(1)} s (load ${load()})`);
  const latencies: number[] = [];
  for (let i = POOLED - SEQUENTIAL; i < POOLED; i++) {
    const b = bot(i);
    const t = Date.now();
    await pool.add([b]);
    await untilAnswers(() => pool.client(b.botId).ping());
    latencies.push(Date.now() - t);
  }
  if (latencies.length) {
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`pooled, one at a time (list written -> API answers), n=${sorted.length}: median ${(percentile(sorted, 50) / 1000).toFixed(1)} s, p95 ${(percentile(sorted, 95) / 1000).toFixed(1)} s`);
  }

  // Dedicated: today's `freqtrade` engine containers, same config.
  const profile = exchangeProfile('paper', exchange.url);
  const urls = exchangeApiUrls(profile);
  for (let i = 0; i < DEDICATED; i++) {
    const b = bot(1000 + i);
    const config = freqtradeConfig({
      botName: b.name, pairs: PAIRS, stakeAmount: 20, stakeCurrency: 'USDT', dryRun: true, apiPort: 8080, proxy: ccxtProxySetting(urls),
      api: { username: 'bench', password: randomBytes(12).toString('hex'), jwtSecret: randomBytes(32).toString('hex') }, strategyClass: b.strategyClass,
      exchange: { ccxtId: profile.ccxtId, apiUrls: profile.apiUrls, options: profile.options },
    });
    dedicatedIds.push(b.botId);
    await runtime.ensureCreated({ botId: b.botId, userId: `bench-${tag}`, version: DEFAULT_FREQTRADE_VERSION, apiPort: 8080, config: JSON.stringify(config), strategy: b.strategy, egressAllow: egressAllowlist(urls) });
    await runtime.start(b.botId);
  }
  console.log(`settling ${SETTLE_MS / 1000} s (every bot running its strategy) ...`);
  await sleep(SETTLE_MS);

  const status = (await pool.status())!;
  const poolMiB = await pool.dockerStatsMiB();
  const uss = Object.values(status.bots).map((b) => b.memory?.uss ?? 0).sort((a, b) => a - b);
  const pss = Object.values(status.bots).map((b) => b.memory?.pss ?? 0).sort((a, b) => a - b);
  const running = Object.values(status.bots).filter((b) => b.state === 'running').length;
  console.log(`pooled: ${running}/${POOLED} running, container ${poolMiB.toFixed(0)} MiB by docker stats = ${(poolMiB / POOLED).toFixed(1)} MiB per bot`);
  console.log(`  per bot private (USS): median ${mib(percentile(uss, 50))} MiB, max ${mib(uss.at(-1)!)} MiB; PSS median ${mib(percentile(pss, 50))} MiB`);
  console.log(`  parent (FreqTrade imported once): RSS ${mib(status.parent.rss ?? 0)} MiB, PSS ${mib(status.parent.pss ?? 0)} MiB`);
  let dedicatedTotal = 0;
  for (const id of dedicatedIds) {
    const [c] = await docker.listContainers({ filters: { label: [`tradefleet.bot=${id}`] } });
    dedicatedTotal += c ? await statsMiB(c.Id) : 0;
  }
  const perDedicated = dedicatedTotal / Math.max(1, DEDICATED);
  console.log(`dedicated: ${DEDICATED} containers, ${dedicatedTotal.toFixed(0)} MiB by docker stats = ${perDedicated.toFixed(1)} MiB per bot`);
  console.log(`ratio dedicated/pooled per bot: ${(perDedicated / (poolMiB / POOLED)).toFixed(1)}x; ${POOLED} bots pooled ${(poolMiB / 1024).toFixed(2)} GiB vs dedicated ${((perDedicated * POOLED) / 1024).toFixed(2)} GiB (extrapolated)`);
  console.log(`machine load at the end: ${load()}`);
} finally {
  for (const id of dedicatedIds) await runtime.remove(id).catch(() => undefined);
  await channels.close();
  await fs.rm(dedicatedRoot, { recursive: true, force: true });
  await pool.close();
  await exchange.close();
}

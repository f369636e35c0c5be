// One FreqTrade pool container on the real dockerd, without the platform: its socket directory with one egress proxy
// per bot (bot-channels.ts `preparePerBot`, each allowing only that bot's exchange, the paper exchange here), configs
// as the platform writes them, and the pool host activities. Shared by the pool host's test and its memory benchmark.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { botApiSocketName, ccxtProxySetting, egressAllowlist } from '../domain/bot-channel.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { DEFAULT_FREQTRADE_VERSION, freqtradeConfig } from '../domain/freqtrade-config.js';
import { exchangeApiUrls } from '../activities/exchange-client.js';
import { createBotChannels } from '../activities/bot-channels.js';
import { createFreqtradeClient, type FreqtradeClient } from '../activities/freqtrade-client.js';
import { containerMemoryMiB } from '../activities/docker-stats.js';
import { execInContainer } from '../activities/docker-exec.js';
import { createFreqtradePoolHost, type PooledFreqtradeBot, type PoolStatus } from '../activities/freqtrade-pool-host.js';

export interface HarnessBot {
  botId: string;
  name: string;
  apiPort: number;
  pairs: string[];
  strategyClass: string;
  strategy: string;
  memoryMb?: number;
  hungAfterS?: number;
}

export interface PoolHarness {
  key: string;
  socketDir: string;
  host: ReturnType<typeof createFreqtradePoolHost>;
  docker: Docker;
  /** Adds bots (each with its egress proxy) and rewrites the container's list. */
  add(bots: HarnessBot[]): Promise<void>;
  /** Takes a bot out of the container's list (its process is stopped) and, once it is gone, its directory as a tar. */
  release(botId: string): Promise<{ bot: PooledFreqtradeBot; api: { username: string; password: string }; archive: Buffer }>;
  /** Runs a bot released by another pool here, on its own directory (config, strategy, trade database). */
  adopt(moved: { bot: PooledFreqtradeBot; api: { username: string; password: string }; archive: Buffer }): Promise<void>;
  /** The API client of a bot, through its socket, as the platform's. */
  client(botId: string): FreqtradeClient;
  status(): Promise<PoolStatus | null>;
  apiSocket(botId: string): string;
  /** Memory of the whole container as `docker stats` shows it (usage minus inactive page cache), in MiB. */
  dockerStatsMiB(): Promise<number>;
  /** Runs a shell command in the container as the bots' user; its standard output. */
  shell(command: string): Promise<string>;
  close(): Promise<void>;
}

export async function startPoolHarness(options: { paperUrl: string; memoryMb?: number; cpus?: number; label?: string }): Promise<PoolHarness> {
  const docker = new Docker();
  const host = createFreqtradePoolHost(docker);
  const key = `t${randomBytes(5).toString('hex')}`;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tf-ftpool-'));
  const channels = createBotChannels(root, () => true);
  const dirName = `f-${key}`;
  const socketDir = await channels.preparePerBot(dirName, {});
  const bots: Array<PooledFreqtradeBot> = [];
  const credentials = new Map<string, { username: string; password: string }>();
  const profile = exchangeProfile('paper', options.paperUrl);
  const urls = exchangeApiUrls(profile);

  await host.ensureContainer({
    key, version: DEFAULT_FREQTRADE_VERSION, socketDir, memoryMb: options.memoryMb ?? 3072, cpus: options.cpus ?? 2, pidsLimit: 2048,
    labels: { 'tradefleet.managed': 'true', 'tradefleet.test': options.label ?? 'freqtrade-pool' },
  });
  await host.start(key);
  /** Every listed bot's egress proxy (each with its own allowlist), before the list that starts them is written. */
  const egress = () => channels.preparePerBot(dirName, Object.fromEntries(bots.map((b) => [b.botId, egressAllowlist(urls)])));

  return {
    key, socketDir, host, docker,
    async add(more) {
      for (const b of more) {
        const api = { username: `u${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex'), jwtSecret: randomBytes(32).toString('hex') };
        credentials.set(b.botId, api);
        const config = freqtradeConfig({
          botName: b.name, pairs: b.pairs, stakeAmount: 20, stakeCurrency: 'USDT', dryRun: true, apiPort: b.apiPort,
          proxy: ccxtProxySetting(urls), api, strategyClass: b.strategyClass,
          exchange: { ccxtId: profile.ccxtId, apiUrls: profile.apiUrls, options: profile.options },
        });
        bots.push({ botId: b.botId, apiPort: b.apiPort, memoryMb: b.memoryMb ?? 256, hungAfterS: b.hungAfterS, config: JSON.stringify(config, null, 2), strategy: b.strategy });
      }
      await egress();
      await host.writeBots(key, bots);
    },
    async release(botId) {
      const index = bots.findIndex((b) => b.botId === botId);
      const [bot] = bots.splice(index, 1);
      await host.writeBots(key, bots);
      const deadline = Date.now() + 60_000;
      while ((await host.status(key))?.bots[botId]) {
        if (Date.now() > deadline) throw new Error(`bot ${botId} did not stop`);
        await new Promise((r) => setTimeout(r, 500));
      }
      await egress();
      return { bot: bot!, api: credentials.get(botId)!, archive: await host.exportBot(key, botId) };
    },
    async adopt(moved) {
      credentials.set(moved.bot.botId, moved.api);
      await host.importBot(key, moved.archive);
      bots.push(moved.bot);
      await egress();
      await host.writeBots(key, bots);
    },
    apiSocket: (botId) => path.join(socketDir, botApiSocketName(botId)),
    client(botId) {
      return createFreqtradeClient({ kind: 'socket', socketPath: path.join(socketDir, botApiSocketName(botId)) }, credentials.get(botId)!, 10_000);
    },
    status: () => host.status(key),
    async dockerStatsMiB() {
      const id = await host.containerId(key);
      return containerMemoryMiB(docker, id!);
    },
    async shell(command) {
      return (await execInContainer(docker.getContainer((await host.containerId(key))!), ['sh', '-c', command], '1000:1000')).stdout;
    },
    async close() {
      await host.remove(key).catch(() => undefined);
      await channels.remove(dirName);
      await channels.close();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

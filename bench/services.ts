// Throwaway PostgreSQL + Temporal + paper exchange for a benchmark run (same real parts as the tests), removed afterwards.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'supertest';
import { findBot } from '../db/bots.js';
import { migrate } from '../db/migrate.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { ensureDocker } from '../scripts/services/docker.js';
import { dataDir, pinnedBotImageEnv } from '../scripts/services/paths.js';
import { freePort } from '../scripts/services/ports.js';
import { startPostgres } from '../scripts/services/postgres.js';
import { stopAll } from '../scripts/services/processes.js';
import { startTemporal } from '../scripts/services/temporal.js';
import { ORIGIN, waitFor, type TestPlatform } from '../test/platform.js';

/** `exchangeTickMs: 0` freezes the paper exchange's prices so the benchmark moves them itself. */
export async function startBenchServices(opts: { exchangeTickMs?: number } = {}): Promise<{ exchange: PaperExchangeHandle; databaseUrl: string; stop(): Promise<void> }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(dataDir, 'bench-'));
  fs.chmodSync(runDir, 0o755);
  const [pgPort, temporalPort] = await Promise.all([freePort(), freePort()]);
  const [pg, temporal, docker] = await Promise.all([
    startPostgres({ dataDir: path.join(runDir, 'postgres'), port: pgPort, ephemeral: true }),
    startTemporal({ port: temporalPort, logFile: path.join(runDir, 'temporal.log') }),
    ensureDocker(),
  ]);
  if (!docker) throw new Error('benchmarks need a Docker engine; run npm test once to set it up');
  await migrate(pg.ownerUrl, () => {}, { grantTo: pg.appRole });
  // Bots check their pairs against the exchange and trade on it.
  const exchange = await startPaperExchange({ port: 0, seed: 'bench', ...(opts.exchangeTickMs !== undefined ? { tickMs: opts.exchangeTickMs } : {}) });
  Object.assign(process.env, {
    ...pinnedBotImageEnv(),
    DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, TF_SECRET_KEY: randomBytes(32).toString('base64'), PAPER_EXCHANGE_URL: exchange.url,
  });
  return {
    exchange,
    databaseUrl: pg.url,
    async stop() {
      await exchange.close();
      await stopAll();
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * Creates a bot through the API as `user` and waits until it runs: its id and the milliseconds from request to
 * `running`. A bot that fails stops the benchmark with its error.
 */
export async function provisionBot(
  platform: TestPlatform,
  user: { agent: { post(url: string): Test } },
  body: Record<string, unknown>,
  timeoutMs: number,
): Promise<{ id: string; ms: number }> {
  const t0 = performance.now();
  const res = await user.agent.post('/api/bots').set('Origin', ORIGIN).send(body);
  if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  const id: string = res.body.bot.id;
  await waitFor('running', async () => {
    const bot = await findBot(platform.db, id);
    if (bot?.status === 'failed') throw new Error(`bot failed: ${bot.lastError}`);
    return bot?.status === 'running';
  }, timeoutMs);
  return { id, ms: performance.now() - t0 };
}

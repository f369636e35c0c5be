// The platform's own metrics: the fleet gauges the API reads from PostgreSQL at scrape time, and what the worker's
// activities record (provisioning failures by step, guard reaction latency) served on the worker's metrics endpoint.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBotInput } from '../domain/bot.js';
import { setBotReachable, setBotStatus } from '../db/bots.js';
import { createDb, sql, type Db } from '../db/pool.js';
import { savePoolState } from '../db/pools.js';
import { insertUser } from '../db/users.js';
import { createMetrics } from '../server/metrics.js';
import { recordGuardCrossing, recordGuardExit, recordProvisioningFailure, serveWorkerMetrics } from './worker-metrics.js';
import { insertBotOnFreePort } from '../test/bot-rows.js';

let db: Db;
beforeAll(async () => {
  db = await createDb(process.env.DATABASE_URL!);
});
afterAll(async () => db?.end());

async function scrapeServer(): Promise<string> {
  const app = express();
  app.get('/metrics', createMetrics(db).expose);
  return (await request(app).get('/metrics').expect(200)).text;
}

const sample = (text: string, name: string, labels: string): number | null => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
};

describe('fleet metrics of the API process', () => {
  it('count bots by status, engine and placement, and name each unreachable bot with its owner until it answers', async () => {
    const user = await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' });
    const spec = CreateBotInput.parse({ name: 'Metered', pairs: ['BTC/USDT'], stakeAmount: 10 });
    const bot = await insertBotOnFreePort(db, { id: randomUUID(), userId: user.id, spec, driver: 'docker', sealedCredentials: 'x', placement: 'dedicated' });
    const before = sample(await scrapeServer(), 'tradefleet_bots', 'status="running",engine="builtin",placement="dedicated"') ?? 0;
    await setBotStatus(db, null, bot.id, 'running');
    await setBotReachable(db, bot.id, false);
    const text = await scrapeServer();
    expect(sample(text, 'tradefleet_bots', 'status="running",engine="builtin",placement="dedicated"')).toBeGreaterThanOrEqual(before + 1);
    expect(sample(text, 'tradefleet_bot_unreachable_seconds', `bot_id="${bot.id}",user_id="${user.id}"`)).toBeGreaterThanOrEqual(0);
    await setBotReachable(db, bot.id, true);
    expect(sample(await scrapeServer(), 'tradefleet_bot_unreachable_seconds', `bot_id="${bot.id}"`)).toBeNull();
  });

  it('show each live pool container\'s memory against its limit, CPU and bots', async () => {
    const poolId = `metrics-${randomUUID().slice(0, 8)}`;
    const settings = { minContainers: 0, maxContainers: 2, headroom: 0, containerMemoryMb: 512, hosts: ['local'] } as never;
    await savePoolState(db, 'metrics-queue', { poolId, settings, seq: 1, containers: [{ key: `${poolId}-c1`, host: 'local', status: 'ready', bots: {}, liveMb: null, removableCycles: 0 }] });
    await db.query(sql.typeAlias('void')`update pool_containers set memory_bytes = 480000000, memory_limit_bytes = 536870912, cpu_percent = 12.5 where key = ${`${poolId}-c1`}`);
    const text = await scrapeServer();
    const labels = `pool="${poolId}",container="${poolId}-c1",host="local"`;
    expect(sample(text, 'tradefleet_pool_container_memory_bytes', labels)).toBe(480000000);
    expect(sample(text, 'tradefleet_pool_container_memory_limit_bytes', labels)).toBe(536870912);
    expect(sample(text, 'tradefleet_pool_container_cpu_ratio', labels)).toBe(0.125);
    expect(sample(text, 'tradefleet_pool_container_bots', labels)).toBe(0);
  });
});

describe('the worker\'s metrics endpoint', () => {
  it('serves provisioning failures by saga step and guard reaction latency from crossing to acknowledged exit', async () => {
    const server = serveWorkerMetrics('127.0.0.1:0', (msg) => {
      throw new Error(msg);
    })!;
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const read = async () => (await fetch(url)).text();
      const failuresBefore = sample(await read(), 'tradefleet_bot_provisioning_failures_total', 'step="wait-healthy"') ?? 0;
      recordProvisioningFailure('provisioning failed at wait-healthy: the bot did not answer within 60 s');
      recordProvisioningFailure('stopped by its owner'); // not a provisioning failure: not counted
      const guardId = randomUUID();
      const countBefore = sample(await read(), 'tradefleet_guard_reaction_seconds_count', 'reason="trailing_stop"') ?? 0;
      recordGuardCrossing(guardId, Date.now() - 300);
      recordGuardExit(guardId, 'trailing_stop', 'wallet');
      recordGuardExit(guardId, 'trailing_stop', 'wallet'); // a second exit of the same crossing is not timed again
      const text = await read();
      expect(sample(text, 'tradefleet_bot_provisioning_failures_total', 'step="wait-healthy"')).toBe(failuresBefore + 1);
      expect(sample(text, 'tradefleet_guard_reaction_seconds_count', 'reason="trailing_stop"')).toBe(countBefore + 1);
      expect(sample(text, 'tradefleet_guard_reaction_seconds_bucket', 'le="0.25",reason="trailing_stop"')).toBe(0);
      expect(sample(text, 'tradefleet_guard_reaction_seconds_bucket', 'le="0.5",reason="trailing_stop"')).toBe(countBefore + 1);
      expect(sample(text, 'tradefleet_guard_exits_total', 'reason="trailing_stop",target="wallet"')).toBeGreaterThanOrEqual(2);
      expect(text).toContain('tradefleet_worker_process_cpu_seconds_total');
    } finally {
      server.close();
    }
  });
});

// Bot hosts' own metrics reach Prometheus through the platform (issue 16): a real pooled bot, in a pool container
// without a network, reports over its container's control socket, and the worker's /metrics serves its loop, API and
// trade figures labelled by bot, pool container and Docker host; a dedicated bot's container does the same; their
// series go when the bots are deleted.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBot } from '../db/bots.js';
import { serveWorkerMetrics } from '../telemetry/worker-metrics.js';
import { removePoolOf } from './fleet-check.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let platform: TestPlatform;
let metrics: Server;

beforeAll(async () => {
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', BOT_PLACEMENT: 'pool' } });
  metrics = serveWorkerMetrics('127.0.0.1:0', (msg) => {
    throw new Error(msg);
  })!;
  await new Promise((r) => metrics.once('listening', r));
}, 120_000);

afterAll(async () => {
  metrics?.close();
  await platform?.stop();
  // This platform's own pool's containers and their state volumes.
  await removePoolOf(new Docker(), platform?.config.BOT_POOL_ID);
}, 120_000);

const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`)).text();
/** The sample of `name` whose labels include every `k="v"` given, or null. */
const sample = (text: string, name: string, labels: string[]): number | null => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((kv) => l.includes(kv)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
};

describe('bot hosts\' metrics on the worker\'s /metrics', () => {
  it('serve a pooled bot\'s iterations, API requests, trades and state by bot, container and host', async () => {
    const user = await signedUpAgent(platform.app);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Metered pool bot', pairs: ['BTC/USDT'], stakeAmount: 10 });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    await waitFor('the bot running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot?.status === 'running', 120_000);
    const key = (await findBot(platform.db, botId))?.poolContainerKey;
    expect(key).toBeTruthy();
    const labels = [`bot_id="${botId}"`, `host="${platform.config.DOCKER_HOST_NAME}"`, `container="${key}"`];

    // The host's loop runs every 5 s; the platform's health checks went through the bot's API.
    const text = await waitFor('the bot\'s iterations on the worker\'s /metrics', async () => {
      const t = await scrape();
      return (sample(t, 'tradefleet_bot_iterations_total', labels) ?? 0) >= 1 ? t : null;
    }, 90_000);
    expect(sample(text, 'tradefleet_bot_api_requests_total', labels)).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tradefleet_bot_iteration_seconds_total', labels)).toBeGreaterThan(0);
    expect(sample(text, 'tradefleet_bot_trades', [...labels, 'state="open"'])).not.toBeNull();
    expect(sample(text, 'tradefleet_bot_state', [...labels, 'state="running"'])).toBe(1);
    const container = labels.slice(1);
    expect(sample(text, 'tradefleet_bot_host_up', container)).toBe(1);
    expect(sample(text, 'tradefleet_bot_host_bots', container)).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tradefleet_bot_host_memory_bytes', container)).toBeGreaterThan(5 * 2 ** 20);
    expect(sample(text, 'tradefleet_bot_host_exchange_requests_total', container)).toBeGreaterThanOrEqual(1);

    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
    await waitFor('the bot\'s series gone', async () => !(await scrape()).includes(`bot_id="${botId}"`), 60_000);
  }, 300_000);

  it('serve a dedicated bot\'s figures too, by its own container', async () => {
    const user = await signedUpAgent(platform.app);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Metered dedicated bot', pairs: ['BTC/USDT'], stakeAmount: 10, placement: 'dedicated' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const botId: string = created.body.bot.id;
    await waitFor('the bot running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot?.status === 'running', 120_000);
    const labels = [`bot_id="${botId}"`, `host="${platform.config.DOCKER_HOST_NAME}"`, `container="bot-${botId}"`];
    const text = await waitFor('the dedicated bot\'s iterations on the worker\'s /metrics', async () => {
      const t = await scrape();
      return (sample(t, 'tradefleet_bot_iterations_total', labels) ?? 0) >= 1 ? t : null;
    }, 90_000);
    expect(sample(text, 'tradefleet_bot_state', [...labels, 'state="running"'])).toBe(1);
    expect(sample(text, 'tradefleet_bot_host_up', labels.slice(1))).toBe(1);
    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
    await waitFor('the bot\'s series gone', async () => !(await scrape()).includes(`bot_id="${botId}"`), 60_000);
  }, 300_000);
});

// What a pool host reports on its control socket for the platform's metrics: each bot's loop iterations and their
// time, API requests, trades and state, and the host's exchange calls, as counted while the bots really trade on the
// paper exchange; and nothing of a bot's config (its credentials) in the answer.
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { readHostReport } from '../telemetry/bot-host-metrics.js';
import { followConfigFile, type ConfigFollower } from './config-file-follower.js';
import { serveHostControl } from './host-control.js';
import { hostMetricsReport } from './host-metrics.js';
import { createBotHost, type BotHost } from './host.js';
import { createLogger } from './log.js';
import { call } from './test-support.js';
import { MINUTE, TestClock, alignedStart, api, startFlatExchange, tradingBot } from './trading-test-support.js';

const clock = new TestClock(alignedStart());
let dir: string;
let ex: PaperExchangeHandle;
let host: BotHost;
let follower: ConfigFollower;
let server: Server;
let bot: HostedBotConfig;

/** One request to the host's control socket: its status and body. */
function control(path: string, method = 'GET'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    request({ socketPath: join(dir, 'host.sock'), path, method }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => void (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject).end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-host-metrics-'));
  ex = await startFlatExchange(clock);
  bot = await tradingBot('metered', ex);
  host = createBotHost({ processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, log: () => {} });
  await host.apply({ listenHost: '127.0.0.1', bots: [bot] });
  follower = followConfigFile(host, join(dir, 'bot-host.json'), createLogger(() => {}), { intervalMs: 60_000, retryFailedMs: 0 });
  server = await serveHostControl(join(dir, 'host.sock'), follower, createLogger(() => {}), () => hostMetricsReport(host));
});

afterAll(async () => {
  server?.close();
  follower?.stop();
  await host?.close();
  await ex?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a bot host\'s metrics report', () => {
  it('counts each bot\'s iterations, their time, API requests and trades, and the host\'s exchange calls', async () => {
    const before = (await readHostReport(join(dir, 'host.sock')))!;
    expect(before.bots).toEqual([expect.objectContaining({ botId: bot.botId, state: 'running', iterations: 0, openTrades: 0, closedTrades: 0 })]);

    // Flat at 100, then a close at 102 crosses the 3-candle SMA: the bot enters.
    clock.advance(10_000);
    ex.setPrice('BTC/USDT', 100);
    await host.runOnce();
    clock.advance(MINUTE);
    ex.setPrice('BTC/USDT', 102);
    await host.runOnce();
    clock.advance(MINUTE);
    await host.runOnce();
    const open = await api.get(bot, '/status');
    expect(open.status).toBe(200);
    expect((await call(bot.apiPort, '/api/v1/nothing-here')).status).toBe(404);

    const raw = await control('/metrics');
    expect(raw.status).toBe(200);
    for (const secret of [bot.api.password, bot.api.jwtSecret, bot.api.username]) expect(raw.text).not.toContain(secret);

    const after = (await readHostReport(join(dir, 'host.sock')))!;
    const [metered] = after.bots;
    expect(metered).toMatchObject({ botId: bot.botId, state: 'running', iterations: 3, loopErrors: 0, closedTrades: 0, apiErrors: 0 });
    // The trade it entered, as its own API lists it.
    expect(metered!.openTrades).toBe((open.body as unknown[]).length);
    expect(metered!.openTrades).toBe(1);
    expect(metered!.apiRequests).toBe(2);
    expect(metered!.iterationSeconds).toBeGreaterThan(0);
    expect(metered!.lastIterationSeconds).toBeGreaterThan(0);
    expect(after.exchangeRequests).toBeGreaterThan(before.exchangeRequests);
    expect(after.memoryBytes).toBeGreaterThan(10 * 2 ** 20);
  });

  it('answers only GET /metrics and PUT /config', async () => {
    const answer = (await control('/metrics', 'DELETE')).status;
    expect(answer).toBe(404);
  });
});

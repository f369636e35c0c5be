// Exchange trouble never takes a bot down: unreachable exchanges, 5xx and 429 are retried with backoff, show up in /logs,
// and the bot trades again once the exchange answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import * as schema from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost } from './host.js';
import { freePort } from './test-support.js';
import { alignedStart, api, MINUTE, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const clock = new TestClock(alignedStart());
let ex: PaperExchangeHandle;
let host: BotHost;
let bot: HostedBotConfig;
let offline: HostedBotConfig;

const logs = async (b: HostedBotConfig) => ((await api.get(b, '/logs')).body as { logs: string[][] }).logs.map((l) => `${l[3]} ${l[4]}`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ex = await startFlatExchange(clock);
  bot = await tradingBot('faults', ex);
  // Nothing listens on this port: every request of this bot fails to connect.
  offline = await tradingBot('offline', ex, { exchangeProfile: exchangeProfile('paper', `http://127.0.0.1:${await freePort()}`) });
  host = await startBotHost({ bots: [bot, offline] }, { processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, retryBaseMs: 20, log: () => {} });
});
afterAll(async () => {
  await host?.close();
  await ex?.close();
});

describe('exchange errors', () => {
  it('keeps a bot whose exchange is unreachable alive, says so once in /logs, and keeps its loop ticking', async () => {
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await host.runOnce();
      await pause(25);
    }
    const unreachable = (await logs(offline)).filter((l) => l.includes('Unable to load the markets of paper'));
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toMatch(/^WARNING .*NetworkError|^WARNING .*ExchangeNotAvailable|^WARNING .*RequestTimeout/);
    const health = schema.Health.parse((await api.get(offline, '/health')).body);
    expect(health.last_process_ts).toBe(Math.floor(clock.now / 1000));
    expect((await api.post(offline, '/forceenter', { pair: 'BTC/USDT' })).status).toBe(502);
    expect((await api.get(offline, '/whitelist')).body).toEqual({ whitelist: ['BTC/USDT'], length: 1, method: ['StaticPairList'] });
  });

  it('retries candles after a 503 with backoff and logs the failure and the recovery', async () => {
    ex.injectFault({ kind: 'error', path: 'klines', status: 503 });
    clock.advance(MINUTE);
    await host.runOnce();
    await pause(30);
    await host.runOnce();
    const lines = await logs(bot);
    expect(lines.some((l) => /^WARNING Unable to fetch 1m candles for BTC\/USDT: \w+/.test(l))).toBe(true);
    expect(lines).toContain('INFO Candles for BTC/USDT are up to date again.');
  });

  it('rides out a 429 on tickers and still closes the trade at the right price afterwards', async () => {
    ex.setPrice('BTC/USDT', 100);
    expect((await api.post(bot, '/forceenter', { pair: 'BTC/USDT' })).status).toBe(200);
    ex.setPrice('BTC/USDT', 110);
    ex.injectFault({ kind: 'rateLimit', path: 'ticker/24hr', retryAfterSeconds: 1 });
    clock.advance(1_000);
    await host.runOnce();
    expect((await logs(bot)).some((l) => /^WARNING Unable to check exits of trade 1 \(BTC\/USDT\): (RateLimitExceeded|DDoSProtection)/.test(l))).toBe(true);
    expect(schema.Status.parse((await api.get(bot, '/status')).body)).toHaveLength(1);
    await pause(30);
    await host.runOnce();
    const trades = (await api.get(bot, '/trades')).body as { trades: Record<string, unknown>[] };
    expect(trades.trades).toEqual([expect.objectContaining({ exit_reason: 'roi', open_rate: 100.01, close_rate: 109.99 })]);
  });

  it('refuses to start a bot on an exchange class the host does not bundle, saying which it has', async () => {
    const kraken = await tradingBot('kraken', ex, { exchange: 'kraken', exchangeProfile: { ccxtId: 'kraken' } });
    await expect(startBotHost({ bots: [kraken] }, { processIntervalMs: 0, log: () => {} })).rejects.toThrow(
      'exchange class "kraken" is not available in the builtin bot host (bundled: binance)',
    );
  });

  it('answers /sysinfo with per-CPU load and memory use', async () => {
    const info = schema.SysInfo.parse((await api.get(bot, '/sysinfo')).body);
    expect(info.cpu_pct.length).toBeGreaterThan(0);
    expect(info.ram_pct).toBeGreaterThan(0);
  });
});

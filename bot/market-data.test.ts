// One market-data feed per exchange and symbol inside a host: bots on the same pair share candles and tickers.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { startBotHost, type BotHost } from './host.js';
import { alignedStart, api, MINUTE, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const clock = new TestClock(alignedStart());
const requests: string[] = [];
let ex: PaperExchangeHandle;
let host: BotHost;

/** Paths the exchange served since the last call. */
const served = (): string[] => requests.splice(0);
const count = (paths: string[], path: string) => paths.filter((p) => p === path).length;

beforeAll(async () => {
  // The exchange logs method, path and status of every request at debug level: that is the request count.
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { msg?: string; path?: string };
        if (entry.msg === 'request' && entry.path) requests.push(entry.path);
      }
      done();
    },
  });
  ex = await startFlatExchange(clock, { logger: pino({ level: 'debug' }, sink) });
  const bots = await Promise.all(['a', 'b', 'c'].map((n) => tradingBot(`shared-${n}`, ex, { pairs: ['BTC/USDT', 'ETH/USDT'] })));
  host = await startBotHost({ bots }, { processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 200, log: () => {} });
  clock.advance(10_000);
  await host.runOnce();
  for (const bot of bots) await api.post(bot, '/forceenter', { pair: 'BTC/USDT' });
  served();
});
afterAll(async () => {
  await host?.close();
  await ex?.close();
});

describe('shared market data', () => {
  it('fetches each pair\'s new candle once for all bots, and each ticker once per iteration', async () => {
    // Past the ticker cache's 200 ms: this iteration needs a fresh quote.
    await new Promise((r) => setTimeout(r, 250));
    clock.advance(MINUTE);
    await host.runOnce();
    const paths = served();
    // Three bots, two pairs: one klines request per pair, one ticker for the pair all three hold a trade in.
    expect(count(paths, '/api/v3/klines')).toBe(2);
    expect(count(paths, '/api/v3/ticker/24hr')).toBe(1);
    expect(count(paths, '/api/v3/exchangeInfo')).toBe(0);
  });

  it('asks for no candles while no new one has closed', async () => {
    clock.advance(5_000);
    await host.runOnce();
    expect(count(served(), '/api/v3/klines')).toBe(0);
  });
});

// Prices: seeded history that joins live ticks, kline windows like Binance, scripted paths and pauses, replayed candle files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PaperExchange } from './paper-exchange.js';

const START = Date.UTC(2026, 0, 7, 12, 0, 30);
const MINUTE = 60_000;

function engineAt(seed: string, extra: ConstructorParameters<typeof PaperExchange>[0] = {}) {
  let now = START;
  const engine = new PaperExchange({ seed, tickMs: 1000, startTime: START, clock: () => now, ...extra });
  return { engine, advance: (ms: number) => (now += ms), now: () => now };
}

const closes = (rows: (number | string)[][]) => rows.map((r) => Number(r[4]));

describe('generated history', () => {
  it('is the same for the same seed and different for another', () => {
    const a = engineAt('s1').engine.feed.klines('BTCUSDT', '1h', { limit: 200 });
    const b = engineAt('s1').engine.feed.klines('BTCUSDT', '1h', { limit: 200 });
    const c = engineAt('s2').engine.feed.klines('BTCUSDT', '1h', { limit: 200 });
    expect(a).toEqual(b);
    expect(closes(a!)).not.toEqual(closes(c!));
  });

  it('ends at the market price at start and has no gaps between candles', () => {
    const { engine } = engineAt('s1');
    const rows = engine.feed.klines('ETHUSDT', '5m', { limit: 500 })!;
    expect(rows).toHaveLength(500);
    expect(Number(rows.at(-1)![4])).toBe(3500);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]![0]).toBe(Number(rows[i - 1]![0]) + 5 * MINUTE);
      expect(rows[i]![1]).toBe(rows[i - 1]![4]);
      expect(Number(rows[i]![2])).toBeGreaterThanOrEqual(Math.max(Number(rows[i]![1]), Number(rows[i]![4])));
      expect(Number(rows[i]![3])).toBeLessThanOrEqual(Math.min(Number(rows[i]![1]), Number(rows[i]![4])));
    }
  });

  it('agrees across intervals: a 15m candle opens and closes where its 1m candles do', () => {
    const { engine } = engineAt('s1');
    const end = START - 3 * 3_600_000;
    const big = engine.feed.klines('SOLUSDT', '15m', { endTime: end, limit: 1 })![0]!;
    const small = engine.feed.klines('SOLUSDT', '1m', { startTime: Number(big[0]), limit: 15 })!;
    expect(small[0]![1]).toBe(big[1]);
    expect(small[14]![4]).toBe(big[4]);
  });

  it('moves with about the configured daily volatility', () => {
    const { engine } = engineAt('vol');
    const rows = engine.feed.klines('BTCUSDT', '1d', { limit: 1000 })!;
    expect(rows).toHaveLength(1000);
    const returns = rows.slice(1).map((r, i) => Math.log(Number(r[4]) / Number(rows[i]![4])));
    const sd = Math.sqrt(returns.reduce((s, x) => s + x * x, 0) / returns.length);
    expect(sd).toBeGreaterThan(0.025 * 0.5);
    expect(sd).toBeLessThan(0.025 * 2);
  });

  it('serves windows the way Binance does (startTime, endTime, limit, alignment)', () => {
    const { engine } = engineAt('s1');
    const from = START - 10 * 3_600_000 + 123;
    const rows = engine.feed.klines('BTCUSDT', '1h', { startTime: from, limit: 3 })!;
    expect(rows.map((r) => r[0])).toEqual([1, 2, 3].map((i) => Math.ceil(from / 3_600_000) * 3_600_000 + (i - 1) * 3_600_000));
    const upTo = engine.feed.klines('BTCUSDT', '4h', { endTime: START - 86_400_000, limit: 2 })!;
    expect(Number(upTo.at(-1)![0])).toBeLessThanOrEqual(START - 86_400_000);
    expect(upTo).toHaveLength(2);
    const week = engine.feed.klines('BTCUSDT', '1w', { limit: 1 })!;
    expect(new Date(Number(week[0]![0])).getUTCDay()).toBe(1);
    expect(engine.feed.klines('BTCUSDT', '7m', { limit: 1 })).toBeNull();
  });
});

describe('live prices', () => {
  it('ticks follow the same walk for the same seed', () => {
    const run = () => {
      const { engine } = engineAt('walk');
      const seen: number[] = [];
      for (let i = 0; i < 50; i++) {
        engine.tick();
        seen.push(engine.feed.status('DOGEUSDT').price);
      }
      return seen;
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(10);
  });

  it('build the current candles from ticks, continuing from history', () => {
    const { engine, advance } = engineAt('live');
    engine.setPaused(true);
    engine.setPrice('BTCUSDT', 96_000);
    advance(MINUTE);
    engine.setPrice('BTCUSDT', 94_000);
    engine.setPrice('BTCUSDT', 95_500);
    const rows = engine.feed.klines('BTCUSDT', '1m', { limit: 3 })!.map((r) => r.slice(1, 5).map(Number));
    // The minute holding the start joins generated history (before) with live prices (after).
    const [before, atStart, next] = rows as [number[], number[], number[]];
    expect(atStart[0]).toBe(before[3]);
    expect(atStart[1]).toBe(96_000);
    expect(atStart[2]).toBeLessThanOrEqual(95_000);
    expect(atStart[3]).toBe(96_000);
    expect(next).toEqual([96_000, 96_000, 94_000, 95_500]);
    const hour = engine.feed.klines('BTCUSDT', '1h', { limit: 1 })![0]!;
    expect(Number(hour[2])).toBeGreaterThanOrEqual(96_000);
    expect(hour[4]).toBe('95500.00');
  });

  it('play a pushed path one price per tick, then hold still while paused', () => {
    const { engine } = engineAt('path');
    engine.setPaused(true, 'SOLUSDT');
    engine.pushPricePath('SOLUSDT', [170, 171.5, 169]);
    const seen = [1, 2, 3, 4, 5].map(() => {
      engine.tick();
      return engine.feed.status('SOLUSDT').price;
    });
    expect(seen).toEqual([170, 171.5, 169, 169, 169]);
  });

  it('replay candles from a CSV file: history first, then live, four prices per candle', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-replay-'));
    const file = path.join(dir, 'btc.csv');
    const lines = ['time,open,high,low,close,volume'];
    for (let i = 0; i < 6; i++) lines.push(`${1_700_000_000_000 + i * 300_000},${100 + i},${103 + i},${99 + i},${101 + i},${10 + i}`);
    fs.writeFileSync(file, lines.join('\n'));
    const { engine } = engineAt('replay', { replay: [{ symbol: 'BTC/USDT', file, historyCandles: 4 }] });
    const history = engine.feed.klines('BTCUSDT', '5m', { endTime: START - 5 * MINUTE, limit: 10 })!;
    expect(history.map((r) => Number(r[4]))).toEqual([101, 102, 103, 104]);
    expect(engine.feed.status('BTCUSDT').price).toBe(104);
    const live = [1, 2, 3, 4, 5, 6, 7, 8].map(() => {
      engine.tick();
      return engine.feed.status('BTCUSDT').price;
    });
    expect(live).toEqual([104, 103, 107, 105, 105, 104, 108, 106]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

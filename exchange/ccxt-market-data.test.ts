// Contract: ccxt's real `binance` class, configured as the platform configures it, reads the paper exchange's market data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from './server.js';
import { binanceClient, startTestExchange, type Binance } from './test-support.js';

let ex: PaperExchangeHandle;
let client: Binance;

beforeAll(async () => {
  ex = await startTestExchange();
  client = binanceClient(ex);
});
afterAll(() => ex.close());

describe('ccxt binance against the paper exchange: market data', () => {
  it('loadMarkets lists 20+ spot USDT pairs with precision and limits from the filters', async () => {
    const markets = await client.loadMarkets();
    const symbols = Object.keys(markets);
    expect(symbols.length).toBeGreaterThanOrEqual(20);
    for (const s of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT']) expect(symbols).toContain(s);
    const btc = markets['BTC/USDT']!;
    expect(btc).toMatchObject({ id: 'BTCUSDT', spot: true, active: true, base: 'BTC', quote: 'USDT', type: 'spot' });
    expect(btc.precision).toMatchObject({ amount: 0.00001, price: 0.01 });
    expect(btc.limits).toMatchObject({ amount: { min: 0.00001, max: 9000 }, price: { min: 0.01, max: 1_000_000 }, cost: { min: 5, max: 9_000_000 } });
    expect(markets['DOGE/USDT']!.precision).toMatchObject({ amount: 1, price: 0.00001 });
    expect(client.amountToPrecision('BTC/USDT', 0.123456789)).toBe('0.12345');
  });

  it('fetchTime returns the server clock', async () => {
    const t = await client.fetchTime();
    expect(Math.abs(t! - Date.now())).toBeLessThan(2000);
  });

  it('fetchTicker has last, bid below ask, and 24h high/low/volume', async () => {
    ex.setPrice('BTC/USDT', 95_000);
    const t = await client.fetchTicker('BTC/USDT');
    expect(t.symbol).toBe('BTC/USDT');
    expect(t.last).toBe(95_000);
    expect(t.bid!).toBeLessThan(t.ask!);
    expect(t.bid!).toBeLessThan(95_000);
    expect(t.high!).toBeGreaterThanOrEqual(95_000);
    expect(t.low!).toBeLessThanOrEqual(95_000);
    expect(t.baseVolume!).toBeGreaterThan(0);
    expect(t.quoteVolume!).toBeGreaterThan(0);
  });

  it('fetchTickers returns every market, or the ones asked for', async () => {
    const all = await client.fetchTickers();
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(20);
    const two = await client.fetchTickers(['ETH/USDT', 'SOL/USDT']);
    expect(Object.keys(two).sort()).toEqual(['ETH/USDT', 'SOL/USDT']);
    const bidsAsks = await client.fetchBidsAsks(['ETH/USDT']);
    expect(bidsAsks['ETH/USDT']!.bid!).toBeLessThan(bidsAsks['ETH/USDT']!.ask!);
  });

  it('fetchOrderBook returns sorted levels around the price, the requested depth', async () => {
    ex.setPrice('ETH/USDT', 3_500);
    const book = await client.fetchOrderBook('ETH/USDT', 20);
    expect(book.bids).toHaveLength(20);
    expect(book.asks).toHaveLength(20);
    expect(book.bids[0]![0]!).toBeLessThan(3_500);
    expect(book.asks[0]![0]!).toBeGreaterThan(3_500);
    for (let i = 1; i < 20; i++) {
      expect(book.bids[i]![0]!).toBeLessThan(book.bids[i - 1]![0]!);
      expect(book.asks[i]![0]!).toBeGreaterThan(book.asks[i - 1]![0]!);
    }
  });

  it('fetchOHLCV gives FreqTrade hundreds of candles from the first call, ending at the current price', async () => {
    ex.setPrice('SOL/USDT', 181.23);
    for (const [timeframe, ms] of [['1m', 60_000], ['5m', 300_000], ['1h', 3_600_000], ['1d', 86_400_000]] as const) {
      const candles = await client.fetchOHLCV('SOL/USDT', timeframe, undefined, 500);
      expect(candles).toHaveLength(500);
      for (let i = 1; i < candles.length; i++) expect(candles[i]![0]! - candles[i - 1]![0]!).toBe(ms);
      expect(candles.at(-1)![4]).toBe(181.23);
      expect(candles.at(-1)![0]! % ms).toBe(0);
    }
  });

  it('fetchOHLCV with since returns candles from there on', async () => {
    const since = Date.now() - 10 * 3_600_000;
    const candles = await client.fetchOHLCV('BTC/USDT', '1h', since, 5);
    expect(candles).toHaveLength(5);
    expect(candles[0]![0]!).toBeGreaterThanOrEqual(since);
    expect(candles[0]![0]! - since).toBeLessThan(3_600_000);
  });

  it('every response carries the used request weight', async () => {
    const res = await fetch(`${ex.apiUrl}/ping`);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(0);
  });
});

// "Make the exchange fail": faults injected through the admin API, as the platform's fault tests will, seen through ccxt.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from './server.js';
import { adminFetch, binanceClient, ccxt, startTestExchange, tradingClient } from './test-support.js';

let ex: PaperExchangeHandle;

beforeAll(async () => {
  ex = await startTestExchange();
  ex.pause();
  ex.setPrice('BTC/USDT', 100_000);
});
afterEach(async () => {
  await adminFetch(ex, 'DELETE', '/faults');
});
afterAll(() => ex.close());

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error);

describe('fault injection', () => {
  it('the next N requests fail with a 5xx (ExchangeNotAvailable), then the exchange recovers', async () => {
    const client = binanceClient(ex);
    await client.loadMarkets();
    expect((await adminFetch(ex, 'POST', '/faults', { kind: 'error', count: 2, status: 503 })).status).toBe(201);
    expect(await failure(client.fetchTicker('BTC/USDT'))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(await failure(client.fetchTicker('BTC/USDT'))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect((await client.fetchTicker('BTC/USDT')).last).toBe(100_000);
  });

  it('a fault can target one endpoint: order placement fails, nothing is executed, reads still work', async () => {
    const { client, account } = await tradingClient(ex);
    await adminFetch(ex, 'POST', '/faults', { kind: 'error', path: 'order', method: 'POST', count: 1, status: 502 });
    expect((await client.fetchTicker('BTC/USDT')).last).toBe(100_000);
    expect(await failure(client.createOrder('BTC/USDT', 'market', 'buy', 0.001))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(ex.account(account.id).orders).toBe(0);
    expect((await client.createOrder('BTC/USDT', 'market', 'buy', 0.001)).status).toBe('closed');
  });

  it("a fault can target one API key: that account's calls fail, another account's go through", async () => {
    const mine = await tradingClient(ex, { USDT: '100' });
    const other = await tradingClient(ex, { USDT: '200' });
    await adminFetch(ex, 'POST', '/faults', { kind: 'error', count: 1, status: 503, apiKey: mine.account.apiKey });
    expect((await other.client.fetchBalance())['USDT']!.free).toBe(200);
    expect(await failure(mine.client.fetchBalance())).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect((await mine.client.fetchBalance())['USDT']!.free).toBe(100);
  });

  it('a forced 429 carries Retry-After and is DDoSProtection in ccxt', async () => {
    const client = binanceClient(ex);
    await client.loadMarkets();
    await adminFetch(ex, 'POST', '/faults', { kind: 'rateLimit', count: 2, retryAfterSeconds: 7 });
    expect(await failure(client.fetchTicker('BTC/USDT'))).toBeInstanceOf(ccxt.DDoSProtection);
    const res = await fetch(`${ex.apiUrl}/time`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({ code: -1003 });
  });

  it('added latency beyond the client timeout is RequestTimeout; clearing the fault restores speed', async () => {
    const client = binanceClient(ex, undefined, { timeout: 150 });
    await client.loadMarkets();
    await adminFetch(ex, 'POST', '/faults', { kind: 'latency', latencyMs: 400 });
    expect((await adminFetch(ex, 'GET', '/faults')).body).toMatchObject([{ kind: 'latency', latencyMs: 400, remaining: null }]);
    expect(await failure(client.fetchTicker('BTC/USDT'))).toBeInstanceOf(ccxt.RequestTimeout);
    await adminFetch(ex, 'DELETE', '/faults');
    const started = performance.now();
    await client.fetchTicker('BTC/USDT');
    expect(performance.now() - started).toBeLessThan(150);
  });

  it('a lost response after execution: retrying with the same clientOrderId returns the order, never a second fill', async () => {
    const { client, account } = await tradingClient(ex);
    await adminFetch(ex, 'POST', '/faults', { kind: 'error', path: 'order', method: 'POST', when: 'after', count: 1 });
    const params = { clientOrderId: 'wf-7-buy-btc' };
    expect(await failure(client.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, params))).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    const retried = await client.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, params);
    expect(retried).toMatchObject({ clientOrderId: 'wf-7-buy-btc', status: 'closed', filled: 0.01 });
    const state = ex.account(account.id);
    expect(state.orders).toBe(1);
    expect(state.trades).toBe(1);
    expect(state.balances['BTC']!.free).toBe('0.00999000');
  });
});

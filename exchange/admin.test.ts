// The admin API tests and the platform script the exchange with: accounts, prices, paths, pauses; token-protected and never under /api/v3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from './server.js';
import { adminFetch, binanceClient, startTestExchange } from './test-support.js';

let ex: PaperExchangeHandle;

beforeAll(async () => {
  ex = await startTestExchange({ adminToken: 'test-admin-token-0123456789' });
});
afterAll(() => ex.close());

describe('admin API', () => {
  it('refuses requests without the right token', async () => {
    expect((await adminFetch(ex, 'GET', '/prices', undefined, '')).status).toBe(401);
    const wrong = await adminFetch(ex, 'GET', '/prices', undefined, 'test-admin-token-0123456780');
    expect(wrong).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: expect.any(String) } } });
  });

  it('is off when the exchange has no admin token, and is never served under /api/v3', async () => {
    const closed = await startTestExchange({ adminToken: false });
    try {
      expect((await adminFetch(closed, 'GET', '/prices', undefined, 'anything')).status).toBe(404);
    } finally {
      await closed.close();
    }
    const res = await fetch(`${ex.apiUrl}/admin/prices`, { headers: { authorization: `Bearer ${ex.adminToken}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: -1020 });
  });

  it('creates an account ccxt can trade with; its state never shows the secret', async () => {
    const created = await adminFetch(ex, 'POST', '/accounts', { label: 'bot-7', balances: { USDT: '2500', ETH: 1.25 } });
    expect(created.status).toBe(201);
    const { id, apiKey, secret } = created.body as { id: string; apiKey: string; secret: string };
    expect(apiKey).toMatch(/^[A-Za-z0-9]{64}$/);
    const client = binanceClient(ex, { apiKey, secret });
    expect((await client.fetchBalance())['USDT']!.free).toBe(2500);
    const state = await adminFetch(ex, 'GET', `/accounts/${id}`);
    expect(state.body).toMatchObject({ id, label: 'bot-7', balances: { USDT: { free: '2500.00000000' }, ETH: { free: '1.25000000' } } });
    expect(JSON.stringify(state.body)).not.toContain(secret);
    const byKey = await adminFetch(ex, 'GET', `/accounts/${apiKey}`);
    expect(byKey.body.id).toBe(id);
    const topUp = await adminFetch(ex, 'PUT', `/accounts/${id}/balances`, { USDT: '9000' });
    expect(topUp.body.balances.USDT.free).toBe('9000.00000000');
  });

  it('accepts the caller’s own key and secret, and refuses a duplicate', async () => {
    const body = { id: 'fixed', apiKey: 'FixedKey123', secret: 'fixed-secret', balances: { USDT: 10 } };
    expect((await adminFetch(ex, 'POST', '/accounts', body)).status).toBe(201);
    expect((await adminFetch(ex, 'POST', '/accounts', body)).status).toBe(409);
  });

  it('sets a price now, plays a path one price per tick, pauses and resumes the walk', async () => {
    const client = binanceClient(ex);
    expect((await adminFetch(ex, 'POST', '/prices/BTCUSDT', { price: 123_456.78 })).status).toBe(200);
    expect((await client.fetchTicker('BTC/USDT')).last).toBe(123_456.78);

    await adminFetch(ex, 'POST', '/pause');
    await adminFetch(ex, 'POST', '/prices/BTCUSDT/path', { prices: [120_000, 118_000] });
    await adminFetch(ex, 'POST', '/tick', { count: 1 });
    expect((await client.fetchTicker('BTC/USDT')).last).toBe(120_000);
    await adminFetch(ex, 'POST', '/tick', { count: 5 });
    expect((await client.fetchTicker('BTC/USDT')).last).toBe(118_000);
    const prices = await adminFetch(ex, 'GET', '/prices');
    expect(prices.body.find((p: { symbol: string }) => p.symbol === 'BTCUSDT')).toMatchObject({ price: 118_000, paused: true, queuedPath: 0 });

    await adminFetch(ex, 'POST', '/prices/ETHUSDT/resume');
    const before = (await client.fetchTicker('ETH/USDT')).last;
    await adminFetch(ex, 'POST', '/tick', { count: 20 });
    expect((await client.fetchTicker('ETH/USDT')).last).not.toBe(before);
    expect((await client.fetchTicker('BTC/USDT')).last).toBe(118_000);
  });

  it('answers bad input and unknown things with a clear error', async () => {
    expect(await adminFetch(ex, 'POST', '/prices/BTCUSDT', { price: -1 })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', field: 'price' } } });
    expect(await adminFetch(ex, 'POST', '/prices/NOPEUSDT', { price: 1 })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await adminFetch(ex, 'GET', '/accounts/nobody')).status).toBe(404);
    expect(await adminFetch(ex, 'POST', '/faults', { kind: 'explode' })).toMatchObject({ status: 400, body: { error: { field: 'kind' } } });
  });
});

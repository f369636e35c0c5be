// Contract: orders, balances and trades through ccxt's real `binance` class, as the platform's activities will place them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from './server.js';
import { ccxt, startTestExchange, tradingClient } from './test-support.js';

let ex: PaperExchangeHandle;

beforeAll(async () => {
  ex = await startTestExchange();
  // Only scripted prices move: ticks play pushed paths and nothing else.
  ex.pause();
});
// Every test starts from the same prices, whichever test moved them before it.
beforeEach(() => {
  ex.setPrice('BTC/USDT', 100_000);
  ex.setPrice('ETH/USDT', 4_000);
  ex.setPrice('SOL/USDT', 150);
});
afterAll(() => ex.close());

describe('ccxt binance against the paper exchange: trading', () => {
  it('fetchBalance shows the starting balance as free', async () => {
    const { client } = await tradingClient(ex, { USDT: '10000', BNB: '1.5' });
    const balance = await client.fetchBalance();
    expect(balance['USDT']).toMatchObject({ free: 10_000, used: 0, total: 10_000 });
    expect(balance['BNB']).toMatchObject({ free: 1.5, total: 1.5 });
  });

  it('market buy by amount fills at the ask, fee in the base asset', async () => {
    const { client, account } = await tradingClient(ex);
    const order = await client.createOrder('BTC/USDT', 'market', 'buy', 0.01);
    expect(order).toMatchObject({ symbol: 'BTC/USDT', type: 'market', side: 'buy', status: 'closed', amount: 0.01, filled: 0.01, remaining: 0 });
    expect(order.average).toBe(100_010);
    expect(order.cost).toBeCloseTo(1000.1, 8);
    expect(order.fee).toMatchObject({ currency: 'BTC', cost: 0.00001 });
    expect(order.trades).toHaveLength(1);
    const balance = await client.fetchBalance();
    expect(balance['BTC']!.free).toBeCloseTo(0.00999, 8);
    expect(balance['USDT']!.free).toBeCloseTo(8999.9, 8);
    expect(ex.account(account.id).balances['USDT']).toEqual({ free: '8999.90000000', locked: '0.00000000' });
  });

  it('market buy by cost spends at most the cost, in whole lots', async () => {
    const { client } = await tradingClient(ex);
    const order = await client.createMarketBuyOrderWithCost('ETH/USDT', 250);
    expect(order.status).toBe('closed');
    expect(order.cost!).toBeLessThanOrEqual(250);
    expect(order.cost!).toBeGreaterThan(249);
    expect(order.filled).toBe(0.0624);
  });

  it('market sell takes the fee in the quote asset', async () => {
    const { client } = await tradingClient(ex, { SOL: '10' });
    const order = await client.createOrder('SOL/USDT', 'market', 'sell', 2);
    expect(order.average).toBe(149.98);
    expect(order.fee).toMatchObject({ currency: 'USDT' });
    expect(order.fee!.cost).toBeCloseTo(0.29996, 8);
    const balance = await client.fetchBalance();
    expect(balance['USDT']!.free).toBeCloseTo(299.66004, 8);
    expect(balance['SOL']!.free).toBe(8);
  });

  it('a limit buy rests with its cost locked, then fills when the scripted price crosses it', async () => {
    const { client } = await tradingClient(ex);
    const order = await client.createOrder('SOL/USDT', 'limit', 'buy', 4, 140);
    expect(order.status).toBe('open');
    expect(order.filled).toBe(0);
    expect((await client.fetchOpenOrders('SOL/USDT')).map((o) => o.id)).toEqual([order.id]);
    expect((await client.fetchBalance())['USDT']).toMatchObject({ free: 9440, used: 560 });

    ex.pushPricePath('SOL/USDT', [145, 141, 139.9]);
    ex.tick(2);
    expect((await client.fetchOrder(order.id!, 'SOL/USDT')).status).toBe('open');
    ex.tick(1);
    const filled = await client.fetchOrder(order.id!, 'SOL/USDT');
    expect(filled).toMatchObject({ status: 'closed', filled: 4, price: 140, average: 140, cost: 560 });
    expect(await client.fetchOpenOrders('SOL/USDT')).toEqual([]);
    const trades = await client.fetchMyTrades('SOL/USDT');
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ order: order.id, side: 'buy', price: 140, amount: 4, cost: 560, takerOrMaker: 'maker', fee: { currency: 'SOL', cost: 0.004 } });
    expect((await client.fetchBalance())['USDT']).toMatchObject({ free: 9440, used: 0 });
  });

  it('cancelOrder cancels a resting order and releases its funds', async () => {
    const { client } = await tradingClient(ex);
    const order = await client.createOrder('ETH/USDT', 'limit', 'buy', 0.5, 3_000);
    const canceled = await client.cancelOrder(order.id!, 'ETH/USDT');
    expect(canceled).toMatchObject({ id: order.id, status: 'canceled' });
    expect((await client.fetchOrder(order.id!, 'ETH/USDT')).status).toBe('canceled');
    expect((await client.fetchBalance())['USDT']).toMatchObject({ free: 10_000, used: 0 });
    const orders = await client.fetchOrders('ETH/USDT');
    expect(orders.map((o) => [o.id, o.status])).toEqual([[order.id, 'canceled']]);
  });

  it('fetchOrder finds an order by its client order id', async () => {
    const { client } = await tradingClient(ex);
    await client.createOrder('SOL/USDT', 'limit', 'buy', 1, 120, { clientOrderId: 'grid-level-7' });
    const found = await client.fetchOrder('', 'SOL/USDT', { clientOrderId: 'grid-level-7' });
    expect(found).toMatchObject({ clientOrderId: 'grid-level-7', status: 'open', price: 120 });
  });

  it('the same clientOrderId twice is one order, one fill, one balance change', async () => {
    const { client, account } = await tradingClient(ex);
    const first = await client.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'activity-42-attempt' });
    const second = await client.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { newClientOrderId: 'activity-42-attempt' });
    expect(second.id).toBe(first.id);
    expect(second.status).toBe('closed');
    expect(await client.fetchMyTrades('BTC/USDT')).toHaveLength(1);
    expect(await client.fetchOrders('BTC/USDT')).toHaveLength(1);
    expect(ex.account(account.id).balances['BTC']!.free).toBe('0.00999000');
    expect(ex.account(account.id).balances['USDT']!.free).toBe('8999.90000000');
  });

  it('fetchOpenOrders without a symbol lists open orders across markets', async () => {
    const { client } = await tradingClient(ex);
    client.options['warnOnFetchOpenOrdersWithoutSymbol'] = false;
    await client.createOrder('SOL/USDT', 'limit', 'buy', 1, 100);
    await client.createOrder('ETH/USDT', 'limit', 'buy', 0.01, 2_000);
    const open = await client.fetchOpenOrders();
    expect(open.map((o) => o.symbol).sort()).toEqual(['ETH/USDT', 'SOL/USDT']);
  });

  it('post-only limits that would take are rejected; IOC limits that cannot fill expire', async () => {
    const { client } = await tradingClient(ex);
    ex.setPrice('SOL/USDT', 150);
    await expect(client.createOrder('SOL/USDT', 'limit', 'buy', 1, 151, { postOnly: true })).rejects.toThrow(/Order would immediately match and take/);
    const maker = await client.createOrder('SOL/USDT', 'limit', 'buy', 1, 149, { postOnly: true });
    expect(maker).toMatchObject({ status: 'open', postOnly: true });
    const ioc = await client.createOrder('SOL/USDT', 'limit', 'buy', 1, 120, { timeInForce: 'IOC' });
    expect(ioc.status).toBe('expired');
  });

  it('with urls.api.sapi pointed here too, ccxt keeps its default fetchMargins and FreqTrade can read the delist schedule', async () => {
    const account = ex.createAccount({ balances: { USDT: '10' } });
    const client = new ccxt.binance({
      apiKey: account.apiKey,
      secret: account.secret,
      urls: { api: { public: ex.apiUrl, private: ex.apiUrl, sapi: ex.sapiUrl } },
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
    });
    expect(Object.keys(await client.loadMarkets()).length).toBeGreaterThanOrEqual(20);
    expect(await client.sapiGetSpotDelistSchedule()).toEqual([]);
  });
});

// The REST contract below ccxt: exact Binance JSON shapes, signing over query + body, and parameter errors, with hand-signed requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from './server.js';
import { hmacHex } from './signing.js';
import { startTestExchange } from './test-support.js';

let ex: PaperExchangeHandle;
let key: { apiKey: string; secret: string };

beforeAll(async () => {
  ex = await startTestExchange();
  ex.pause();
  ex.setPrice('BTCUSDT', 100_000);
  key = ex.createAccount({ balances: { USDT: '100000' } });
});
afterAll(() => ex.close());

/** A SIGNED request: `query` goes in the URL, `body` as a form; the signature covers query string then body. */
async function signed(method: string, path: string, query: Record<string, string>, body: Record<string, string> = {}, sign = true, who = key) {
  const q = new URLSearchParams({ ...query, timestamp: String(query['timestamp'] ?? Date.now()) }).toString();
  const b = new URLSearchParams(body).toString();
  const signature = hmacHex(who.secret, q + b);
  const url = `${ex.apiUrl}/${path}?${q}${sign ? `&signature=${signature}` : ''}`;
  const res = await fetch(url, {
    method,
    headers: { 'X-MBX-APIKEY': who.apiKey, ...(b ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: b || undefined,
  });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

const keys = (o: object) => Object.keys(o).sort();

describe('Binance REST shapes', () => {
  it('new order answers in ACK, RESULT and FULL shapes, parameters split between query and body', async () => {
    const base = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET' };
    const ack = await signed('POST', 'order', base, { quantity: '0.001', newOrderRespType: 'ACK' });
    expect(ack.status).toBe(200);
    expect(keys(ack.body)).toEqual(['clientOrderId', 'orderId', 'orderListId', 'symbol', 'transactTime']);
    const result = await signed('POST', 'order', base, { quantity: '0.001', newOrderRespType: 'RESULT' });
    expect(keys(result.body)).toEqual(
      ['clientOrderId', 'cummulativeQuoteQty', 'executedQty', 'orderId', 'orderListId', 'origQty', 'origQuoteOrderQty', 'price', 'selfTradePreventionMode', 'side', 'status', 'symbol', 'timeInForce', 'transactTime', 'type', 'workingTime'].sort(),
    );
    const full = await signed('POST', 'order', {}, { ...base, quantity: '0.001' });
    expect(full.body).toMatchObject({ status: 'FILLED', executedQty: '0.00100000', cummulativeQuoteQty: '100.01000000', origQty: '0.00100000', price: '0.00000000' });
    expect(full.body.fills).toEqual([{ price: '100010.00000000', qty: '0.00100000', commission: '0.00000100', commissionAsset: 'BTC', tradeId: expect.any(Number) }]);
    expect(full.body.clientOrderId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(full.headers.get('x-mbx-used-weight-1m')).toBeTruthy();
  });

  it('query order has the documented fields', async () => {
    const placed = await signed('POST', 'order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '90000', newClientOrderId: 'shape-1' });
    const got = await signed('GET', 'order', { symbol: 'BTCUSDT', origClientOrderId: 'shape-1' });
    expect(keys(got.body)).toEqual(
      ['clientOrderId', 'cummulativeQuoteQty', 'executedQty', 'icebergQty', 'isWorking', 'orderId', 'orderListId', 'origQty', 'origQuoteOrderQty', 'price', 'selfTradePreventionMode', 'side', 'status', 'stopPrice', 'symbol', 'time', 'timeInForce', 'type', 'updateTime', 'workingTime'].sort(),
    );
    expect(got.body).toMatchObject({ orderId: placed.body.orderId, status: 'NEW', price: '90000.00000000' });
    const canceled = await signed('DELETE', 'order', { symbol: 'BTCUSDT', orderId: String(placed.body.orderId) });
    expect(canceled.body).toMatchObject({ origClientOrderId: 'shape-1', status: 'CANCELED' });
  });

  it('account shows balances, locks and commission rates', async () => {
    // An account of its own: the other tests' orders change the shared one's balances.
    const own = ex.createAccount({ balances: { USDT: '1000', BTC: '0.5', ETH: '0' } });
    const acct = await signed('GET', 'account', { omitZeroBalances: 'true' }, {}, true, own);
    expect(acct.body).toMatchObject({ makerCommission: 10, takerCommission: 10, commissionRates: { maker: '0.00100000', taker: '0.00100000' }, canTrade: true, accountType: 'SPOT' });
    expect(acct.body.balances.map((b: { asset: string }) => b.asset)).toEqual(['BTC', 'USDT']);
  });

  it('order/test validates without trading', async () => {
    const before = ex.account(key.apiKey).orders;
    const ok = await signed('POST', 'order/test', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' });
    expect(ok).toMatchObject({ status: 200, body: {} });
    const rates = await signed('POST', 'order/test', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001', computeCommissionRates: 'true' });
    expect(rates.body.standardCommissionForOrder).toEqual({ maker: '0.00100000', taker: '0.00100000' });
    const bad = await signed('POST', 'order/test', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.00001' });
    expect(bad.body).toEqual({ code: -1013, msg: 'Filter failure: NOTIONAL' });
    expect(ex.account(key.apiKey).orders).toBe(before);
  });

  it('signing and timing errors use Binance codes and statuses', async () => {
    expect(await signed('GET', 'account', {}, {}, false)).toMatchObject({ status: 400, body: { code: -1102 } });
    expect(await signed('GET', 'account', { recvWindow: '60001' })).toMatchObject({ status: 400, body: { code: -1102 } });
    expect(await signed('GET', 'account', { timestamp: String(Date.now() - 70_000), recvWindow: '60000' })).toMatchObject({ status: 400, body: { code: -1021 } });
    const noKey = await fetch(`${ex.apiUrl}/account?timestamp=${Date.now()}&signature=00`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ code: -2014, msg: 'API-key format invalid.' });
  });

  it('parameter errors: duplicates, bad values, unknown interval and endpoint', async () => {
    const dup = await fetch(`${ex.apiUrl}/klines?symbol=BTCUSDT&symbol=ETHUSDT&interval=1m`);
    expect(await dup.json()).toMatchObject({ code: -1101 });
    expect(await (await fetch(`${ex.apiUrl}/klines?symbol=BTCUSDT&interval=2m`)).json()).toEqual({ code: -1120, msg: 'Invalid interval.' });
    expect(await (await fetch(`${ex.apiUrl}/klines?interval=1m`)).json()).toMatchObject({ code: -1102 });
    expect(await (await fetch(`${ex.apiUrl}/exchangeInfo?symbol=NOPE`)).json()).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    const one = (await (await fetch(`${ex.apiUrl}/exchangeInfo?symbols=${encodeURIComponent('["BTCUSDT","ETHUSDT"]')}`)).json()) as { symbols: { symbol: string }[] };
    expect(one.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    const unknown = await fetch(`${ex.apiUrl}/historicalTrades?symbol=BTCUSDT`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: -1020 });
    expect(await signed('GET', 'allOrders', { symbol: 'BTCUSDT', limit: '1001' })).toMatchObject({ status: 400, body: { code: -1102 } });
  });
});

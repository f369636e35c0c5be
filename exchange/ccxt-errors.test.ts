// Contract: each Binance error the paper exchange returns reaches the platform as the ccxt error class real Binance would produce.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperExchangeHandle } from './server.js';
import { binanceClient, ccxt, startTestExchange, tradingClient } from './test-support.js';

let ex: PaperExchangeHandle;

beforeAll(async () => {
  ex = await startTestExchange({
    // One extra market whose minimum lot is above its step, so an amount can pass ccxt's precision and still break LOT_SIZE.
    markets: [
      { base: 'BTC', price: 100_000, tickSize: '0.01', stepSize: '0.00001' },
      { base: 'ETH', price: 4_000, tickSize: '0.01', stepSize: '0.0001', minQty: '0.001' },
    ],
  });
  ex.pause();
});
afterAll(() => ex.close());

/** The Binance body the exchange sent, as ccxt quotes it in the error message. */
const rejection = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('expected the call to fail');
  return error;
};

describe('ccxt binance against the paper exchange: errors', () => {
  it('a wrong secret is an AuthenticationError (-1022)', async () => {
    const { account } = await tradingClient(ex);
    const client = binanceClient(ex, { apiKey: account.apiKey, secret: 'not-the-secret' });
    const error = await rejection(client.fetchBalance());
    expect(error).toBeInstanceOf(ccxt.AuthenticationError);
    expect(error.message).toContain('-1022');
  });

  it('an unknown API key is an AuthenticationError (-2015)', async () => {
    const client = binanceClient(ex, { apiKey: 'A'.repeat(64), secret: 'whatever' });
    const error = await rejection(client.fetchBalance());
    expect(error).toBeInstanceOf(ccxt.AuthenticationError);
    expect(error.message).toContain('-2015');
  });

  it('a malformed API key is an AuthenticationError (-2014)', async () => {
    const client = binanceClient(ex, { apiKey: 'not a key!', secret: 'whatever' });
    const error = await rejection(client.fetchBalance());
    expect(error).toBeInstanceOf(ccxt.AuthenticationError);
    expect(error.message).toContain('-2014');
  });

  it('a timestamp outside recvWindow is InvalidNonce (-1021)', async () => {
    const { account } = await tradingClient(ex);
    // ccxt signs with its clock minus timeDifference: 20 s behind the server, recvWindow 10 s.
    const client = binanceClient(ex, account, { options: { timeDifference: 20_000, recvWindow: 10_000 } });
    const error = await rejection(client.fetchBalance());
    expect(error).toBeInstanceOf(ccxt.InvalidNonce);
    expect(error.message).toContain('outside of the recvWindow');
    const ahead = binanceClient(ex, account, { options: { timeDifference: -5_000 } });
    expect(await rejection(ahead.fetchBalance())).toBeInstanceOf(ccxt.InvalidNonce);
  });

  it('buying beyond the balance is InsufficientFunds (-2010)', async () => {
    const { client } = await tradingClient(ex, { USDT: '100' });
    const error = await rejection(client.createOrder('BTC/USDT', 'market', 'buy', 0.01));
    expect(error).toBeInstanceOf(ccxt.InsufficientFunds);
    const limit = await rejection(client.createOrder('ETH/USDT', 'limit', 'buy', 1, 3_000));
    expect(limit).toBeInstanceOf(ccxt.InsufficientFunds);
  });

  it('LOT_SIZE and PRICE_FILTER failures are InvalidOrder (-1013)', async () => {
    const { client } = await tradingClient(ex, { USDT: '100000' });
    const lot = await rejection(client.createOrder('ETH/USDT', 'market', 'buy', 0.0005));
    expect(lot).toBeInstanceOf(ccxt.InvalidOrder);
    expect(lot.message).toContain('Filter failure: LOT_SIZE');
    const tooMany = await rejection(client.createOrder('BTC/USDT', 'market', 'buy', 9001));
    expect(tooMany).toBeInstanceOf(ccxt.InvalidOrder);
    const price = await rejection(client.createOrder('BTC/USDT', 'limit', 'sell', 0.001, 2_000_000));
    expect(price).toBeInstanceOf(ccxt.InvalidOrder);
    expect(price.message).toContain('Filter failure: PRICE_FILTER');
  });

  it('an amount below the market precision is InvalidOrder before any request', async () => {
    const { client } = await tradingClient(ex);
    expect(await rejection(client.createOrder('BTC/USDT', 'market', 'buy', 0.000001))).toBeInstanceOf(ccxt.InvalidOrder);
  });

  it('a NOTIONAL failure carries Binance’s -1013 body, which ccxt (as with real Binance) raises as BadRequest', async () => {
    const { client } = await tradingClient(ex);
    const error = await rejection(client.createOrder('BTC/USDT', 'market', 'buy', 0.00002));
    expect(error).toBeInstanceOf(ccxt.BadRequest);
    expect(error.message).toContain('{"code":-1013,"msg":"Filter failure: NOTIONAL"}');
  });

  it('an unknown symbol is BadSymbol, from ccxt or from the exchange (-1121)', async () => {
    const client = binanceClient(ex);
    await client.loadMarkets();
    expect(await rejection(client.fetchTicker('FOO/USDT'))).toBeInstanceOf(ccxt.BadSymbol);
    const error = await rejection(client.publicGetTickerPrice({ symbol: 'FOOUSDT' }));
    expect(error).toBeInstanceOf(ccxt.BadSymbol);
    expect(error.message).toContain('-1121');
  });

  it('an unknown order is OrderNotFound, on query (-2013) and on cancel (-2011)', async () => {
    const { client } = await tradingClient(ex);
    const query = await rejection(client.fetchOrder('987654', 'BTC/USDT'));
    expect(query).toBeInstanceOf(ccxt.OrderNotFound);
    expect(query.message).toContain('-2013');
    const cancel = await rejection(client.cancelOrder('987654', 'BTC/USDT'));
    expect(cancel).toBeInstanceOf(ccxt.OrderNotFound);
    expect(cancel.message).toContain('-2011');
  });

  it('another account’s order is not found', async () => {
    const a = await tradingClient(ex);
    const b = await tradingClient(ex);
    const order = await a.client.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 90_000);
    expect(await rejection(b.client.fetchOrder(order.id!, 'BTC/USDT'))).toBeInstanceOf(ccxt.OrderNotFound);
    expect(await rejection(b.client.cancelOrder(order.id!, 'BTC/USDT'))).toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('missing and malformed parameters are BadRequest with Binance codes', async () => {
    const { client } = await tradingClient(ex);
    const missing = await rejection(client.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.001', price: '90000' }));
    expect(missing).toBeInstanceOf(ccxt.BadRequest);
    expect(missing.message).toContain("Mandatory parameter 'timeInForce'");
    const precision = await rejection(client.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.000000001' }));
    expect(precision.message).toContain('-1111');
    const side = await rejection(client.privatePostOrder({ symbol: 'BTCUSDT', side: 'HOLD', type: 'MARKET', quantity: '0.001' }));
    expect(side.message).toContain('-1117');
  });

  it('going over the request weight limit is HTTP 429 with Retry-After, DDoSProtection in ccxt', async () => {
    const small = await startTestExchange({ weightLimit: 50 });
    try {
      const client = binanceClient(small, undefined, { enableRateLimit: false });
      await client.publicGetExchangeInfo();
      await client.publicGetExchangeInfo();
      const error = await rejection(client.publicGetExchangeInfo());
      expect(error).toBeInstanceOf(ccxt.DDoSProtection);
      const res = await fetch(`${small.apiUrl}/time`);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ code: -1003 });
      small.resetWeights();
      expect((await fetch(`${small.apiUrl}/time`)).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

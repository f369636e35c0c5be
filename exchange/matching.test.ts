// Matching engine behaviour without HTTP: fills, fees, locked funds, expiry, cancels, idempotent client order ids, filters.
import { describe, expect, it } from 'vitest';
import { formatUnits, units } from '../domain/exchange-decimal.js';
import { BinanceError } from './errors.js';
import type { NewOrder } from './order-types.js';
import { PaperExchange } from './paper-exchange.js';

function setup(balances: Record<string, string> = { USDT: '10000' }) {
  const engine = new PaperExchange({ seed: 'matching', tickMs: 0, spreadBps: 2 });
  engine.setPrice('BTCUSDT', 100_000);
  engine.setPrice('SOLUSDT', 150);
  const { id } = engine.createAccount({ balances });
  const account = engine.accounts.find(id)!;
  const balance = (asset: string) => engine.accountState(id).balances[asset] ?? { free: '0.00000000', locked: '0.00000000' };
  let n = 0;
  const order = (o: Partial<NewOrder> & Pick<NewOrder, 'symbol' | 'side' | 'type'>) =>
    engine.matcher.place(account, { clientOrderId: `t${++n}`, responseType: 'FULL', ...o }).order;
  return { engine, account, balance, order };
}

const rejection = (fn: () => unknown): { code: number; msg: string } => {
  try {
    fn();
  } catch (e) {
    if (e instanceof BinanceError) return e.body;
    throw e;
  }
  throw new Error('expected a Binance error');
};

describe('market orders', () => {
  it('buy at the ask, fee taken in the base asset', () => {
    const { order, balance } = setup();
    // 2 bp spread around 100 000: ask 100 010.
    const o = order({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: units('0.01') });
    expect(o.status).toBe('FILLED');
    expect(formatUnits(o.fills[0]!.price)).toBe('100010.00000000');
    expect(o.fills[0]!.commissionAsset).toBe('BTC');
    expect(balance('USDT').free).toBe('8999.90000000');
    expect(balance('BTC').free).toBe('0.00999000');
  });

  it('sell at the bid, fee taken in the quote asset', () => {
    const { order, balance } = setup({ BTC: '1' });
    order({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: units('0.01') });
    // 0.01 × 99 990 = 999.90, minus 0.1 % = 998.9001.
    expect(balance('USDT').free).toBe('998.90010000');
    expect(balance('BTC').free).toBe('0.99000000');
  });

  it('by quote amount buys the largest lot the amount pays for', () => {
    const { order, balance } = setup();
    const o = order({ symbol: 'SOLUSDT', side: 'BUY', type: 'MARKET', quoteOrderQty: units('100') });
    // 1 bp of 150 rounds to a 0.02 half-spread: ask 150.02; 100 / 150.02 = 0.66657… → 0.666 (lot step 0.001).
    expect(formatUnits(o.executedQty)).toBe('0.66600000');
    expect(formatUnits(o.cummulativeQuoteQty)).toBe('99.91332000');
    expect(balance('USDT').free).toBe('9900.08668000');
  });

  it('is refused when the balance does not cover it, leaving nothing behind', () => {
    const { order, balance, account } = setup({ USDT: '50' });
    expect(rejection(() => order({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: units('0.001') }))).toEqual({
      code: -2010,
      msg: 'Account has insufficient balance for requested action.',
    });
    expect(balance('USDT').free).toBe('50.00000000');
    expect(account.orders.size).toBe(0);
  });
});

describe('limit orders', () => {
  it('rest with funds locked, then fill at their price as maker when the price crosses', () => {
    const { engine, order, balance } = setup();
    const o = order({ symbol: 'SOLUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: units('2'), price: units('140') });
    expect(o.status).toBe('NEW');
    expect(balance('USDT')).toEqual({ free: '9720.00000000', locked: '280.00000000' });
    engine.setPrice('SOLUSDT', 141);
    expect(o.status).toBe('NEW');
    engine.setPrice('SOLUSDT', 139.5);
    expect(o.status).toBe('FILLED');
    expect(o.fills[0]).toMatchObject({ price: units('140'), isMaker: true, commission: units('0.002'), commissionAsset: 'SOL' });
    expect(balance('USDT')).toEqual({ free: '9720.00000000', locked: '0.00000000' });
    expect(balance('SOL').free).toBe('1.99800000');
  });

  it('sell limits lock the base asset and fill when the price rises to them', () => {
    const { engine, order, balance } = setup({ SOL: '3' });
    const o = order({ symbol: 'SOLUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', quantity: units('1'), price: units('160') });
    expect(balance('SOL')).toEqual({ free: '2.00000000', locked: '1.00000000' });
    engine.pushPricePath('SOLUSDT', [155, 159.99, 160.5]);
    engine.tick(2);
    expect(o.status).toBe('NEW');
    engine.tick(1);
    expect(o.status).toBe('FILLED');
    expect(balance('USDT').free).toBe('159.84000000');
    expect(balance('SOL')).toEqual({ free: '2.00000000', locked: '0.00000000' });
  });

  it('a limit through the spread fills at once at the better quote, as taker', () => {
    const { order } = setup();
    const o = order({ symbol: 'SOLUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: units('1'), price: units('155') });
    expect(o.status).toBe('FILLED');
    expect(o.fills[0]).toMatchObject({ price: units('150.02'), isMaker: false });
  });

  it('IOC and FOK that cannot fill now expire without touching balances', () => {
    const { order, balance } = setup();
    for (const timeInForce of ['IOC', 'FOK'] as const) {
      const o = order({ symbol: 'SOLUSDT', side: 'BUY', type: 'LIMIT', timeInForce, quantity: units('1'), price: units('140') });
      expect(o.status).toBe('EXPIRED');
    }
    expect(balance('USDT')).toEqual({ free: '10000.00000000', locked: '0.00000000' });
  });

  it('LIMIT_MAKER that would take is rejected', () => {
    const { order } = setup();
    expect(rejection(() => order({ symbol: 'SOLUSDT', side: 'BUY', type: 'LIMIT_MAKER', quantity: units('1'), price: units('151') })).msg).toBe(
      'Order would immediately match and take.',
    );
  });

  it('cancel releases the locked funds; a second cancel is an unknown order', () => {
    const { engine, order, balance, account } = setup();
    const o = order({ symbol: 'SOLUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: units('1'), price: units('100') });
    engine.matcher.cancel(account, 'SOLUSDT', { orderId: o.orderId });
    expect(o.status).toBe('CANCELED');
    expect(balance('USDT')).toEqual({ free: '10000.00000000', locked: '0.00000000' });
    expect(rejection(() => engine.matcher.cancel(account, 'SOLUSDT', { orderId: o.orderId })).code).toBe(-2011);
    engine.setPrice('SOLUSDT', 90);
    expect(o.status).toBe('CANCELED');
  });
});

describe('client order ids', () => {
  it('the same id twice is one order and one fill', () => {
    const { engine, account, balance } = setup();
    const req: NewOrder = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: units('0.01'), clientOrderId: 'retry-1', responseType: 'FULL' };
    const first = engine.matcher.place(account, req);
    const second = engine.matcher.place(account, req);
    expect(second).toEqual({ order: first.order, duplicate: true });
    expect(account.trades).toHaveLength(1);
    expect(balance('BTC').free).toBe('0.00999000');
  });

  it('reusing an id for a different order is rejected', () => {
    const { engine, account } = setup();
    engine.matcher.place(account, { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: units('0.01'), clientOrderId: 'x', responseType: 'ACK' });
    expect(
      rejection(() => engine.matcher.place(account, { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: units('0.01'), clientOrderId: 'x', responseType: 'ACK' })),
    ).toEqual({ code: -2010, msg: 'Duplicate order sent.' });
  });
});

describe('filters on placement', () => {
  it('reports the broken filter by name', () => {
    const { order } = setup();
    expect(rejection(() => order({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: units('0.001'), price: units('90000.001') }))).toEqual({
      code: -1013,
      msg: 'Filter failure: PRICE_FILTER',
    });
    expect(rejection(() => order({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: units('0.00002') })).msg).toBe('Filter failure: NOTIONAL');
    expect(rejection(() => order({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: units('10000') })).msg).toBe('Filter failure: LOT_SIZE');
  });
});

// ccxt's balance and order structures map to the platform's snapshot shapes: only held assets, numbers as numbers.
import type { Balances, Order } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { nonZeroBalances, toOpenOrder } from './ccxt-wallet.js';

describe('ccxt wallet mapping', () => {
  it('keeps assets with any amount, sorted, and skips ccxt bookkeeping keys', () => {
    const balances = {
      info: { raw: true }, timestamp: 1, datetime: '2026-01-01T00:00:00Z',
      free: { USDT: 90, BTC: 0.5, ETH: 0 }, used: { USDT: 10, BTC: 0, ETH: 0 }, total: { USDT: 100, BTC: 0.5, ETH: 0 },
      USDT: { free: 90, used: 10, total: 100 }, BTC: { free: 0.5, used: 0, total: 0.5 }, ETH: { free: 0, used: 0, total: 0 },
    } as unknown as Balances;
    expect(nonZeroBalances(balances)).toEqual([
      { asset: 'BTC', free: 0.5, used: 0, total: 0.5 },
      { asset: 'USDT', free: 90, used: 10, total: 100 },
    ]);
  });

  it('maps an open order, with null where the exchange gives nothing', () => {
    const order = { id: '7', clientOrderId: 'tf-1', symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: 50000, amount: 0.001, filled: 0, datetime: '2026-01-01T00:00:00.000Z' } as Order;
    expect(toOpenOrder(order)).toEqual({ id: '7', clientOrderId: 'tf-1', symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: 50000, amount: 0.001, filled: 0, createdAt: '2026-01-01T00:00:00.000Z' });
    const market = { ...order, clientOrderId: undefined, price: undefined, datetime: undefined, timestamp: undefined, type: 'market', side: 'sell' } as unknown as Order;
    expect(toOpenOrder(market)).toMatchObject({ clientOrderId: null, price: null, createdAt: null, side: 'sell' });
  });
});

// Exact 8-decimal arithmetic, Binance filters and commission settlement.
import { describe, expect, it } from 'vitest';
import { ceilToStep, divUnits, floorToStep, formatUnits, mulUnits, parseUnits, stepDecimals, units } from './exchange-decimal.js';
import { commissionFor, failedFilter, lotSizePasses, notionalPasses, priceFilterPasses, quantityForQuote, settlement, type SymbolRules } from './exchange-filters.js';

const btc: SymbolRules = {
  symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT',
  minPrice: units('0.01'), maxPrice: units('1000000'), tickSize: units('0.01'),
  minQty: units('0.00001'), maxQty: units('9000'), stepSize: units('0.00001'),
  minNotional: units('5'), maxNotional: units('9000000'), applyMinToMarket: true, applyMaxToMarket: false,
  maxNumOrders: 200,
};

describe('8-decimal amounts', () => {
  it('parses Binance decimals exactly and rejects what Binance rejects', () => {
    expect(parseUnits('0.001')).toEqual({ ok: true, units: 100_000n });
    expect(parseUnits('95000.12345678')).toEqual({ ok: true, units: 9_500_012_345_678n });
    expect(parseUnits('1.000000000000')).toEqual({ ok: true, units: 100_000_000n });
    expect(parseUnits('0.000000001')).toEqual({ ok: false, reason: 'precision' });
    expect(parseUnits('1e-5')).toEqual({ ok: false, reason: 'illegal' });
    expect(parseUnits('-1')).toEqual({ ok: false, reason: 'illegal' });
    expect(formatUnits(units('0.1'))).toBe('0.10000000');
  });

  it('multiplies and divides without float drift, rounding as asked', () => {
    // 0.1 × 0.2 is 0.020000000000000004 in floats.
    expect(formatUnits(mulUnits(units('0.1'), units('0.2')))).toBe('0.02000000');
    expect(mulUnits(units('0.00000003'), units('0.5'), 'down')).toBe(1n);
    expect(mulUnits(units('0.00000003'), units('0.5'), 'up')).toBe(2n);
    expect(formatUnits(divUnits(units('100'), units('3')))).toBe('33.33333333');
    expect(floorToStep(units('0.123456'), units('0.001'))).toBe(units('0.123'));
    expect(ceilToStep(units('0.123456'), units('0.001'))).toBe(units('0.124'));
    expect(stepDecimals(units('0.00001'))).toBe(5);
    expect(stepDecimals(units('1'))).toBe(0);
  });
});

describe('Binance filters', () => {
  it('PRICE_FILTER checks range and tick size', () => {
    expect(priceFilterPasses(btc, units('95000.01'))).toBe(true);
    expect(priceFilterPasses(btc, units('95000.015'))).toBe(false);
    expect(priceFilterPasses(btc, units('1000000.01'))).toBe(false);
  });

  it('LOT_SIZE checks min, max and step', () => {
    expect(lotSizePasses(btc, units('0.00001'))).toBe(true);
    expect(lotSizePasses(btc, units('0.000015'))).toBe(false);
    expect(lotSizePasses(btc, units('0'))).toBe(false);
    expect(lotSizePasses(btc, units('9000.00001'))).toBe(false);
  });

  it('NOTIONAL applies to market orders only where the filter says so', () => {
    expect(notionalPasses(btc, units('95000'), units('0.00005'), false)).toBe(false);
    expect(notionalPasses(btc, units('95000'), units('0.0001'), false)).toBe(true);
    expect(notionalPasses({ ...btc, applyMinToMarket: false }, units('95000'), units('0.00001'), true)).toBe(true);
  });

  it('names the first failing filter in Binance order', () => {
    const order = { type: 'LIMIT' as const, quantity: units('0.001'), price: units('95000'), referencePrice: units('95000'), openOrders: 0 };
    expect(failedFilter(btc, order)).toBeNull();
    expect(failedFilter(btc, { ...order, price: units('95000.001') })).toBe('PRICE_FILTER');
    expect(failedFilter(btc, { ...order, quantity: units('0.0000101') })).toBe('LOT_SIZE');
    expect(failedFilter(btc, { ...order, quantity: units('0.00002') })).toBe('NOTIONAL');
    expect(failedFilter(btc, { ...order, openOrders: 200 })).toBe('MAX_NUM_ORDERS');
    expect(failedFilter(btc, { ...order, type: 'MARKET', price: undefined, quantity: units('0.00002') })).toBe('NOTIONAL');
  });

  it('turns a quote amount into the largest lot it buys', () => {
    expect(formatUnits(quantityForQuote(btc, units('100'), units('95000')))).toBe('0.00105000');
  });
});

describe('commissions', () => {
  it('are taken from what the trade gives: base on a buy, quote on a sell', () => {
    const rate = units('0.001');
    expect(commissionFor(btc, 'BUY', units('0.5'), units('47500'), rate)).toEqual({ asset: 'BTC', amount: units('0.0005') });
    expect(commissionFor(btc, 'SELL', units('0.5'), units('47500'), rate)).toEqual({ asset: 'USDT', amount: units('47.5') });
  });

  it('settle a buy: pay quote in full, receive base minus the fee', () => {
    const s = settlement(btc, 'BUY', units('0.01'), units('95000'), units('0.001'));
    expect(s.pay).toEqual({ asset: 'USDT', amount: units('950') });
    expect(s.receive).toEqual({ asset: 'BTC', amount: units('0.00999') });
  });

  it('settle a sell: pay base in full, receive quote minus the fee', () => {
    const s = settlement(btc, 'SELL', units('0.01'), units('95000'), units('0.001'));
    expect(s.pay).toEqual({ asset: 'BTC', amount: units('0.01') });
    expect(s.receive).toEqual({ asset: 'USDT', amount: units('949.05') });
  });
});

// The paper exchange's listed markets: seeded USDT pairs with realistic prices and Binance-like filters, and their exchangeInfo JSON.
import { formatUnits, stepDecimals, units } from '../domain/exchange-decimal.js';
import type { SymbolRules } from '../domain/exchange-filters.js';

/** What a caller states to list a market; everything else gets a Binance-like default. */
export interface MarketSpec {
  base: string;
  quote?: string;
  /** Price at start (the seed of the random walk and the anchor of generated history). */
  price: number;
  tickSize: string;
  stepSize: string;
  minQty?: string;
  maxQty?: string;
  minNotional?: string;
  maxNotional?: string;
  /** Standard deviation of daily log returns (0.03 = 3 %). */
  dailyVolatility?: number;
  /** Typical traded quote volume per day, for generated candle volumes. */
  dailyQuoteVolume?: number;
}

export interface Market {
  /** Binance symbol id, e.g. BTCUSDT. */
  symbol: string;
  rules: SymbolRules;
  status: 'TRADING' | 'BREAK';
  initialPrice: number;
  dailyVolatility: number;
  dailyQuoteVolume: number;
  /** Decimals of the tick size, for formatting prices. */
  priceDecimals: number;
}

const m = (base: string, price: number, tickSize: string, stepSize: string, dailyVolatility: number, dailyQuoteVolume: number): MarketSpec => ({
  base, price, tickSize, stepSize, dailyVolatility, dailyQuoteVolume,
});

/** 25 USDT pairs; the first seven are the ones tests and benchmarks rely on. */
export const DEFAULT_MARKETS: readonly MarketSpec[] = [
  m('BTC', 95_000, '0.01', '0.00001', 0.025, 1.5e9),
  m('ETH', 3_500, '0.01', '0.0001', 0.035, 8e8),
  m('SOL', 180, '0.01', '0.001', 0.05, 4e8),
  m('BNB', 650, '0.01', '0.001', 0.03, 1.5e8),
  m('XRP', 2.3, '0.0001', '0.1', 0.05, 3e8),
  m('ADA', 0.75, '0.0001', '0.1', 0.05, 8e7),
  m('DOGE', 0.2, '0.00001', '1', 0.06, 2e8),
  m('TRX', 0.25, '0.0001', '0.1', 0.035, 5e7),
  m('LTC', 95, '0.01', '0.001', 0.045, 5e7),
  m('DOT', 6.5, '0.001', '0.01', 0.05, 3e7),
  m('LINK', 18, '0.01', '0.01', 0.05, 6e7),
  m('AVAX', 32, '0.01', '0.01', 0.055, 5e7),
  m('POL', 0.45, '0.0001', '0.1', 0.055, 2e7),
  m('UNI', 9.5, '0.001', '0.01', 0.055, 3e7),
  m('ATOM', 7, '0.001', '0.01', 0.05, 2e7),
  m('XLM', 0.35, '0.0001', '1', 0.05, 2e7),
  m('NEAR', 4.5, '0.001', '0.1', 0.06, 3e7),
  m('APT', 9, '0.001', '0.01', 0.06, 2e7),
  m('ARB', 0.6, '0.0001', '0.1', 0.06, 3e7),
  m('OP', 1.8, '0.001', '0.01', 0.06, 2e7),
  m('FIL', 4.5, '0.001', '0.01', 0.055, 2e7),
  m('ETC', 24, '0.01', '0.01', 0.05, 2e7),
  m('BCH', 450, '0.1', '0.001', 0.045, 4e7),
  m('SHIB', 0.000018, '0.00000001', '1', 0.065, 4e7),
  m('PEPE', 0.000011, '0.00000001', '1', 0.08, 1e8),
];

const decimalsOf = (step: string) => stepDecimals(units(step));

/** Defaults scale with price the way Binance's listings do: bigger lots allowed for cheaper coins. */
function defaultMaxQty(price: number): string {
  if (price >= 1000) return '9000';
  if (price >= 10) return '90000';
  if (price >= 0.01) return '9000000';
  return '92141578000';
}

export function buildMarket(spec: MarketSpec): Market {
  const quote = spec.quote ?? 'USDT';
  const tick = units(spec.tickSize);
  const step = units(spec.stepSize);
  if (tick <= 0n || step <= 0n) throw new Error(`${spec.base}${quote}: tickSize and stepSize must be positive`);
  const maxPrice = tick * 100_000_000_000n < units(1_000_000) ? tick * 100_000_000_000n : units(1_000_000);
  const priceDecimals = decimalsOf(spec.tickSize);
  const rules: SymbolRules = {
    symbol: `${spec.base}${quote}`,
    baseAsset: spec.base,
    quoteAsset: quote,
    minPrice: tick,
    maxPrice,
    tickSize: tick,
    minQty: units(spec.minQty ?? spec.stepSize),
    maxQty: units(spec.maxQty ?? defaultMaxQty(spec.price)),
    stepSize: step,
    minNotional: units(spec.minNotional ?? '5'),
    maxNotional: units(spec.maxNotional ?? '9000000'),
    applyMinToMarket: true,
    applyMaxToMarket: false,
    maxNumOrders: 200,
  };
  return {
    symbol: rules.symbol,
    rules,
    status: 'TRADING',
    initialPrice: spec.price,
    dailyVolatility: spec.dailyVolatility ?? 0.05,
    dailyQuoteVolume: spec.dailyQuoteVolume ?? 2e7,
    priceDecimals,
  };
}

/** One entry of exchangeInfo.symbols, shaped like Binance's so ccxt derives precision and limits from the filters. */
export function exchangeInfoSymbol(market: Market) {
  const r = market.rules;
  return {
    symbol: r.symbol,
    status: market.status,
    baseAsset: r.baseAsset,
    baseAssetPrecision: 8,
    quoteAsset: r.quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    opoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    amendAllowed: false,
    pegInstructionsAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: formatUnits(r.minPrice), maxPrice: formatUnits(r.maxPrice), tickSize: formatUnits(r.tickSize) },
      { filterType: 'LOT_SIZE', minQty: formatUnits(r.minQty), maxQty: formatUnits(r.maxQty), stepSize: formatUnits(r.stepSize) },
      {
        filterType: 'NOTIONAL',
        minNotional: formatUnits(r.minNotional),
        applyMinToMarket: r.applyMinToMarket,
        maxNotional: formatUnits(r.maxNotional),
        applyMaxToMarket: r.applyMaxToMarket,
        avgPriceMins: 5,
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: r.maxNumOrders },
    ],
    permissions: ['SPOT'],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'NONE',
    allowedSelfTradePreventionModes: ['NONE'],
  };
}

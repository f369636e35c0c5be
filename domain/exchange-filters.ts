// Binance Spot trading rules as pure functions: PRICE_FILTER, LOT_SIZE, NOTIONAL and commissions, on exact 8-decimal units.
import { divUnits, floorToStep, mulUnits } from './exchange-decimal.js';

/** One symbol's trading rules, amounts in 8-decimal units (see exchange-decimal.ts). A 0 limit disables that rule, as on Binance. */
export interface SymbolRules {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** PRICE_FILTER */
  minPrice: bigint;
  maxPrice: bigint;
  tickSize: bigint;
  /** LOT_SIZE */
  minQty: bigint;
  maxQty: bigint;
  stepSize: bigint;
  /** NOTIONAL */
  minNotional: bigint;
  maxNotional: bigint;
  applyMinToMarket: boolean;
  applyMaxToMarket: boolean;
  /** MAX_NUM_ORDERS: open orders one account may have on the symbol. */
  maxNumOrders: number;
}

export type FilterName = 'PRICE_FILTER' | 'LOT_SIZE' | 'NOTIONAL' | 'MAX_NUM_ORDERS';

export function priceFilterPasses(rules: SymbolRules, price: bigint): boolean {
  if (rules.minPrice > 0n && price < rules.minPrice) return false;
  if (rules.maxPrice > 0n && price > rules.maxPrice) return false;
  if (rules.tickSize > 0n && (price - rules.minPrice) % rules.tickSize !== 0n) return false;
  return true;
}

export function lotSizePasses(rules: SymbolRules, quantity: bigint): boolean {
  if (quantity < rules.minQty || quantity <= 0n) return false;
  if (rules.maxQty > 0n && quantity > rules.maxQty) return false;
  if (rules.stepSize > 0n && (quantity - rules.minQty) % rules.stepSize !== 0n) return false;
  return true;
}

/** Notional = price × quantity; market orders are checked only where the filter says so (applyMinToMarket / applyMaxToMarket). */
export function notionalPasses(rules: SymbolRules, price: bigint, quantity: bigint, isMarket: boolean): boolean {
  const notional = mulUnits(price, quantity);
  const checkMin = !isMarket || rules.applyMinToMarket;
  const checkMax = !isMarket || rules.applyMaxToMarket;
  if (checkMin && notional < rules.minNotional) return false;
  if (checkMax && rules.maxNotional > 0n && notional > rules.maxNotional) return false;
  return true;
}

export interface OrderForFilters {
  type: 'LIMIT' | 'LIMIT_MAKER' | 'MARKET';
  quantity: bigint;
  /** Limit price; absent for market orders. */
  price?: bigint;
  /** Price a market order is valued at (Binance uses a recent average; the last price here). */
  referencePrice: bigint;
  /** Open orders the account already has on the symbol. */
  openOrders: number;
}

/** The first filter an order breaks, in Binance's evaluation order, or null when it passes. */
export function failedFilter(rules: SymbolRules, order: OrderForFilters): FilterName | null {
  const isMarket = order.type === 'MARKET';
  if (!isMarket && order.price !== undefined && !priceFilterPasses(rules, order.price)) return 'PRICE_FILTER';
  if (!lotSizePasses(rules, order.quantity)) return 'LOT_SIZE';
  const price = isMarket ? order.referencePrice : (order.price ?? order.referencePrice);
  if (!notionalPasses(rules, price, order.quantity, isMarket)) return 'NOTIONAL';
  if (rules.maxNumOrders > 0 && !isMarket && order.openOrders >= rules.maxNumOrders) return 'MAX_NUM_ORDERS';
  return null;
}

/** Base quantity a quote amount buys (or must sell) at a price, rounded down to the lot step so LOT_SIZE holds. */
export function quantityForQuote(rules: SymbolRules, quoteAmount: bigint, price: bigint): bigint {
  return floorToStep(divUnits(quoteAmount, price, 'down'), rules.stepSize);
}

export interface Commission {
  /** Binance takes the fee from what the trade gives you: base on a buy, quote on a sell. */
  asset: string;
  amount: bigint;
}

/** Commission on one fill; `rate` in units (0.1 % = 100_000n). */
export function commissionFor(rules: SymbolRules, side: 'BUY' | 'SELL', quantity: bigint, quoteQuantity: bigint, rate: bigint): Commission {
  return side === 'BUY'
    ? { asset: rules.baseAsset, amount: mulUnits(quantity, rate) }
    : { asset: rules.quoteAsset, amount: mulUnits(quoteQuantity, rate) };
}

/** What a fill moves between balances, fees included: what leaves the account and what arrives. */
export function settlement(
  rules: SymbolRules,
  side: 'BUY' | 'SELL',
  quantity: bigint,
  price: bigint,
  rate: bigint,
): { pay: { asset: string; amount: bigint }; receive: { asset: string; amount: bigint }; quoteQuantity: bigint; commission: Commission } {
  const quoteQuantity = mulUnits(price, quantity);
  const commission = commissionFor(rules, side, quantity, quoteQuantity, rate);
  return side === 'BUY'
    ? { pay: { asset: rules.quoteAsset, amount: quoteQuantity }, receive: { asset: rules.baseAsset, amount: quantity - commission.amount }, quoteQuantity, commission }
    : { pay: { asset: rules.baseAsset, amount: quantity }, receive: { asset: rules.quoteAsset, amount: quoteQuantity - commission.amount }, quoteQuantity, commission };
}

// The public order book: synthetic liquidity around the quote (stable from call to call) plus the accounts' resting limit orders.
import { floorToStep, formatUnits, maxUnits, roundToStep, toNumber, unitsFromNumber } from '../domain/exchange-decimal.js';
import type { Market } from './markets.js';
import type { Order } from './order-types.js';
import type { Quote } from './price-feed.js';
import { uniformAt } from './random.js';

export type Level = [price: string, quantity: string];

/** Binance's depth limits: any value 1–5000 is served; above 5000 is capped. */
export const MAX_DEPTH = 5000;

export function buildDepth(market: Market, quote: Quote, limit: number, resting: Iterable<Order>, seed: number): { bids: Level[]; asks: Level[] } {
  const rules = market.rules;
  const n = Math.min(limit, MAX_DEPTH);
  // Levels 0.2 bp apart (at least one tick), sized from the market's daily volume.
  const step = maxUnits(rules.tickSize, roundToStep(quote.last / 50_000n, rules.tickSize));
  const baseQty = market.dailyQuoteVolume / toNumber(quote.last) / 20_000;
  const size = (side: number, price: bigint, i: number): bigint => {
    const r = uniformAt(seed, side, Number((price / step) % 2_000_000_000n));
    const qty = floorToStep(unitsFromNumber(baseQty * (0.3 + 1.4 * r) * (1 + 0.08 * i)), rules.stepSize);
    return maxUnits(qty, rules.minQty);
  };
  const bids = new Map<bigint, bigint>();
  const asks = new Map<bigint, bigint>();
  for (let i = 0; i < n; i++) {
    const bid = quote.bid - BigInt(i) * step;
    if (bid > 0n) bids.set(bid, size(1, bid, i));
    const ask = quote.ask + BigInt(i) * step;
    asks.set(ask, size(2, ask, i));
  }
  for (const o of resting) {
    const book = o.side === 'BUY' ? bids : asks;
    book.set(o.price, (book.get(o.price) ?? 0n) + (o.origQty - o.executedQty));
  }
  const levels = (book: Map<bigint, bigint>, descending: boolean): Level[] =>
    [...book.entries()]
      .sort(([a], [b]) => (descending ? (b > a ? 1 : b < a ? -1 : 0) : a > b ? 1 : a < b ? -1 : 0))
      .slice(0, n)
      .map(([p, q]) => [formatUnits(p), formatUnits(q)]);
  return { bids: levels(bids, true), asks: levels(asks, false) };
}

/** Top of the synthetic book, for bookTicker and 24hr tickers. */
export function topOfBook(market: Market, quote: Quote, seed: number): { bidQty: bigint; askQty: bigint } {
  const d = buildDepth(market, quote, 1, [], seed);
  return { bidQty: unitsOrZero(d.bids[0]?.[1]), askQty: unitsOrZero(d.asks[0]?.[1]) };
}

const unitsOrZero = (text: string | undefined): bigint => (text === undefined ? 0n : BigInt(text.replace('.', '')));

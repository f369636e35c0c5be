// Public market data endpoints: ping, time, exchangeInfo, depth, klines, ticker/24hr, ticker/price, ticker/bookTicker, avgPrice.
import { Router } from 'express';
import { formatUnits, toNumber } from '../domain/exchange-decimal.js';
import { marketParam, marketsParam, optional, optionalInt, paramsOf, required } from './api-request.js';
import { errors } from './errors.js';
import { exchangeInfoSymbol, type Market } from './markets.js';
import { buildDepth, topOfBook } from './order-book.js';
import type { PaperExchange } from './paper-exchange.js';

export function marketRouter(engine: PaperExchange): Router {
  const router = Router();
  const price = (m: Market, x: number) => x.toFixed(m.priceDecimals);

  router.get('/ping', (_req, res) => {
    res.json({});
  });

  router.get('/time', (_req, res) => {
    res.json({ serverTime: engine.now() });
  });

  router.get('/exchangeInfo', (_req, res) => {
    const p = paramsOf(res);
    const hasFilter = optional(p, 'symbol') !== undefined || optional(p, 'symbols') !== undefined;
    const markets = hasFilter ? marketsParam(engine, p).markets : [...engine.markets.values()];
    res.json({
      timezone: 'UTC',
      serverTime: engine.now(),
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: engine.weights.limit }],
      exchangeFilters: [],
      symbols: markets.map(exchangeInfoSymbol),
    });
  });

  router.get('/depth', (_req, res) => {
    const p = paramsOf(res);
    const market = marketParam(engine, p);
    const limit = optionalInt(p, 'limit') ?? 100;
    if (limit < 1) throw errors.invalidParam('limit');
    const book = buildDepth(market, engine.feed.quote(market.symbol), limit, engine.matcher.restingOrders(market.symbol), engine.seedHash);
    res.json({ lastUpdateId: engine.feed.ticks + 1, ...book });
  });

  const klines = (_req: unknown, res: import('express').Response) => {
    const p = paramsOf(res);
    const market = marketParam(engine, p);
    const interval = required(p, 'interval');
    const limit = Math.min(optionalInt(p, 'limit') ?? 500, 1000);
    if (limit < 1) throw errors.invalidParam('limit');
    const rows = engine.feed.klines(market.symbol, interval, {
      startTime: optionalInt(p, 'startTime'),
      endTime: optionalInt(p, 'endTime'),
      limit,
    });
    if (!rows) throw errors.invalidInterval();
    res.json(rows);
  };
  router.get('/klines', klines);
  router.get('/uiKlines', klines);

  router.get('/avgPrice', (_req, res) => {
    const market = marketParam(engine, paramsOf(res));
    const c = engine.feed.range(market.symbol, engine.now() - 5 * 60_000, engine.now() + 1);
    const avg = c ? (c.open + c.high + c.low + c.close) / 4 : toNumber(engine.feed.quote(market.symbol).last);
    res.json({ mins: 5, price: price(market, avg), closeTime: engine.now() });
  });

  const ticker24 = (market: Market, mini: boolean) => {
    const now = engine.now();
    const c = engine.feed.stats24h(market.symbol);
    const quote = engine.feed.quote(market.symbol);
    const last = toNumber(quote.last);
    const quoteVolume = c.volume * ((c.open + last) / 2);
    const base = {
      symbol: market.symbol,
      openPrice: price(market, c.open),
      highPrice: price(market, Math.max(c.high, last)),
      lowPrice: price(market, Math.min(c.low, last)),
      lastPrice: price(market, last),
      volume: c.volume.toFixed(8),
      quoteVolume: quoteVolume.toFixed(8),
      openTime: now - 86_400_000,
      closeTime: now,
      firstId: 1,
      lastId: c.trades,
      count: c.trades,
    };
    if (mini) return base;
    const top = topOfBook(market, quote, engine.seedHash);
    const { symbol, openPrice, highPrice, lowPrice, lastPrice, volume, openTime, closeTime, firstId, lastId, count } = base;
    return {
      symbol,
      priceChange: price(market, last - c.open),
      priceChangePercent: (((last - c.open) / c.open) * 100).toFixed(3),
      weightedAvgPrice: price(market, (c.open + c.high + c.low + last) / 4),
      prevClosePrice: price(market, c.open),
      lastPrice,
      lastQty: formatUnits(market.rules.minQty),
      bidPrice: formatUnits(quote.bid),
      bidQty: formatUnits(top.bidQty),
      askPrice: formatUnits(quote.ask),
      askQty: formatUnits(top.askQty),
      openPrice,
      highPrice,
      lowPrice,
      volume,
      quoteVolume: base.quoteVolume,
      openTime,
      closeTime,
      firstId,
      lastId,
      count,
    };
  };

  router.get('/ticker/24hr', (_req, res) => {
    const p = paramsOf(res);
    const type = optional(p, 'type') ?? 'FULL';
    if (type !== 'FULL' && type !== 'MINI') throw errors.invalidParam('type');
    const { markets, single } = marketsParam(engine, p);
    const list = markets.map((m) => ticker24(m, type === 'MINI'));
    res.json(single ? list[0] : list);
  });

  router.get('/ticker/price', (_req, res) => {
    const { markets, single } = marketsParam(engine, paramsOf(res));
    const list = markets.map((m) => ({ symbol: m.symbol, price: formatUnits(engine.feed.quote(m.symbol).last) }));
    res.json(single ? list[0] : list);
  });

  router.get('/ticker/bookTicker', (_req, res) => {
    const { markets, single } = marketsParam(engine, paramsOf(res));
    const list = markets.map((m) => {
      const q = engine.feed.quote(m.symbol);
      const top = topOfBook(m, q, engine.seedHash);
      return { symbol: m.symbol, bidPrice: formatUnits(q.bid), bidQty: formatUnits(top.bidQty), askPrice: formatUnits(q.ask), askQty: formatUnits(top.askQty) };
    });
    res.json(single ? list[0] : list);
  });

  return router;
}

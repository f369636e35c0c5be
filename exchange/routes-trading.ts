// Signed trading endpoints: new order (and its test twin), query order, cancel order, cancel all open orders on a symbol.
import { Router, type Request, type Response } from 'express';
import { formatUnits } from '../domain/exchange-decimal.js';
import { failedFilter, quantityForQuote } from '../domain/exchange-filters.js';
import { marketParam, optional, optionalInt, paramsOf, signedAccount } from './api-request.js';
import { errors } from './errors.js';
import type { OrderRef } from './matching.js';
import { cancelJson, newOrderJson, orderJson } from './order-json.js';
import { clientOrderIdParam, generatedClientOrderId, parseNewOrder } from './order-entry.js';
import type { PaperExchange } from './paper-exchange.js';
import type { RequestParams } from './signing.js';

/** orderId and/or origClientOrderId, one of them required. */
export function orderRefParam(p: RequestParams): OrderRef {
  const orderId = optionalInt(p, 'orderId');
  const clientOrderId = clientOrderIdParam(p, 'origClientOrderId');
  if (orderId === undefined && clientOrderId === undefined) throw errors.eitherParam('orderId', 'origClientOrderId');
  return { orderId, clientOrderId };
}

export function tradingRouter(engine: PaperExchange): Router {
  const router = Router();

  router.post('/order', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const p = paramsOf(res);
    const market = marketParam(engine, p);
    const request = parseNewOrder(p, market.symbol);
    const { order } = engine.matcher.place(account, request);
    engine.markDirty();
    res.json(newOrderJson(order, request.responseType));
  });

  // Validates like a real order (parameters, filters) without touching balances or the book.
  router.post('/order/test', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const p = paramsOf(res);
    const market = marketParam(engine, p);
    const request = parseNewOrder(p, market.symbol);
    const quote = engine.feed.quote(market.symbol);
    const reference = request.side === 'BUY' ? quote.ask : quote.bid;
    const quantity = request.quantity ?? quantityForQuote(market.rules, request.quoteOrderQty!, reference);
    const failed = failedFilter(market.rules, {
      type: request.type, quantity, price: request.price, referencePrice: quote.last, openOrders: engine.matcher.openOrders(account, market.symbol).length,
    });
    if (failed) throw errors.filterFailure(failed);
    if (optional(p, 'computeCommissionRates') !== 'true') {
      res.json({});
      return;
    }
    const rates = { maker: formatUnits(account.makerRate), taker: formatUnits(account.takerRate) };
    const zero = { maker: formatUnits(0n), taker: formatUnits(0n) };
    res.json({
      standardCommissionForOrder: rates,
      specialCommissionForOrder: zero,
      taxCommissionForOrder: zero,
      discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: 'BNB', discount: formatUnits(0n) },
    });
  });

  router.get('/order', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const p = paramsOf(res);
    const market = marketParam(engine, p);
    const order = engine.matcher.find(account, market.symbol, orderRefParam(p));
    if (!order) throw errors.noSuchOrder();
    res.json(orderJson(order));
  });

  router.delete('/order', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const p = paramsOf(res);
    const market = marketParam(engine, p);
    const ref = orderRefParam(p);
    const cancelId = clientOrderIdParam(p, 'newClientOrderId') ?? generatedClientOrderId();
    const order = engine.matcher.cancel(account, market.symbol, ref);
    engine.markDirty();
    res.json(cancelJson(order, cancelId, engine.now()));
  });

  router.delete('/openOrders', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const market = marketParam(engine, paramsOf(res));
    const open = engine.matcher.openOrders(account, market.symbol);
    if (open.length === 0) throw errors.cancelRejected();
    const now = engine.now();
    const canceled = open.map((o) => cancelJson(engine.matcher.cancel(account, market.symbol, { orderId: o.orderId }), generatedClientOrderId(), now));
    engine.markDirty();
    res.json(canceled);
  });

  return router;
}

// Signed account endpoints: account (balances, commissions), account/commission, openOrders, allOrders, myTrades.
import { Router, type Request, type Response } from 'express';
import { formatUnits } from '../domain/exchange-decimal.js';
import { balancesJson } from './accounts.js';
import { marketParam, optional, optionalInt, paramsOf, signedAccount } from './api-request.js';
import { BinanceError, errors } from './errors.js';
import { orderJson, tradeJson } from './order-json.js';
import type { PaperExchange } from './paper-exchange.js';
import type { RequestParams } from './signing.js';

const DAY = 86_400_000;

/** Binance's history windows: limit ≤ 1000 (default 500), startTime..endTime at most 24 h apart. */
function historyWindow(p: RequestParams) {
  const limit = optionalInt(p, 'limit') ?? 500;
  if (limit < 1) throw errors.invalidParam('limit');
  if (limit > 1000) throw errors.tooLarge('limit', 1000);
  const startTime = optionalInt(p, 'startTime');
  const endTime = optionalInt(p, 'endTime');
  if (startTime !== undefined && endTime !== undefined && endTime - startTime > DAY) {
    throw new BinanceError(400, -1127, 'More than 24 hours between startTime and endTime.');
  }
  return { limit, startTime, endTime };
}

/** Oldest first; with a lower bound the first `limit` from there, otherwise the newest `limit`. */
function page<T>(items: T[], limit: number, fromStart: boolean): T[] {
  return fromStart ? items.slice(0, limit) : items.slice(Math.max(0, items.length - limit));
}

export function accountRouter(engine: PaperExchange): Router {
  const router = Router();

  router.get('/account', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const rate = (r: bigint) => Number(r / 10_000n);
    res.json({
      makerCommission: rate(account.makerRate),
      takerCommission: rate(account.takerRate),
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: { maker: formatUnits(account.makerRate), taker: formatUnits(account.takerRate), buyer: formatUnits(0n), seller: formatUnits(0n) },
      canTrade: true,
      canWithdraw: false,
      canDeposit: false,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: account.updateTime,
      accountType: 'SPOT',
      balances: balancesJson(account, optional(paramsOf(res), 'omitZeroBalances') === 'true'),
      permissions: ['SPOT'],
      uid: account.uid,
    });
  });

  router.get('/account/commission', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const market = marketParam(engine, paramsOf(res));
    const zero = formatUnits(0n);
    const rates = (maker: bigint, taker: bigint) => ({ maker: formatUnits(maker), taker: formatUnits(taker), buyer: zero, seller: zero });
    res.json({
      symbol: market.symbol,
      standardCommission: rates(account.makerRate, account.takerRate),
      specialCommission: rates(0n, 0n),
      taxCommission: rates(0n, 0n),
      discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: 'BNB', discount: zero },
    });
  });

  router.get('/openOrders', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const p = paramsOf(res);
    const symbol = optional(p, 'symbol') === undefined ? undefined : marketParam(engine, p).symbol;
    res.json(engine.matcher.openOrders(account, symbol).map(orderJson));
  });

  router.get('/allOrders', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const p = paramsOf(res);
    const market = marketParam(engine, p);
    const { limit, startTime, endTime } = historyWindow(p);
    const fromId = optionalInt(p, 'orderId');
    const orders = [...account.orders.values()].filter(
      (o) =>
        o.symbol === market.symbol &&
        (fromId === undefined || o.orderId >= fromId) &&
        (startTime === undefined || o.time >= startTime) &&
        (endTime === undefined || o.time <= endTime),
    );
    res.json(page(orders, limit, fromId !== undefined || startTime !== undefined).map(orderJson));
  });

  router.get('/myTrades', (req: Request, res: Response) => {
    const account = signedAccount(engine, req, res);
    const p = paramsOf(res);
    const market = marketParam(engine, p);
    const { limit, startTime, endTime } = historyWindow(p);
    const orderId = optionalInt(p, 'orderId');
    const fromId = optionalInt(p, 'fromId');
    if (fromId !== undefined && (startTime !== undefined || endTime !== undefined)) throw errors.optionalParamsBadCombo();
    const trades = account.trades.filter(
      (t) =>
        t.symbol === market.symbol &&
        (orderId === undefined || t.orderId === orderId) &&
        (fromId === undefined || t.tradeId >= fromId) &&
        (startTime === undefined || t.time >= startTime) &&
        (endTime === undefined || t.time <= endTime),
    );
    res.json(page(trades, limit, fromId !== undefined || startTime !== undefined).map(tradeJson));
  });

  return router;
}

// Binance's JSON shapes for orders, order responses (ACK/RESULT/FULL), cancels and account trades.
import { formatUnits } from '../domain/exchange-decimal.js';
import { isOpen, type Fill, type Order, type ResponseType } from './order-types.js';

const u = formatUnits;

/** GET /api/v3/order, openOrders, allOrders. */
export function orderJson(o: Order) {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: u(o.price),
    origQty: u(o.origQty),
    executedQty: u(o.executedQty),
    cummulativeQuoteQty: u(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: u(0n),
    icebergQty: u(0n),
    time: o.time,
    updateTime: o.updateTime,
    isWorking: isOpen(o) || o.status === 'FILLED',
    workingTime: o.time,
    origQuoteOrderQty: u(o.origQuoteOrderQty),
    selfTradePreventionMode: 'NONE',
  };
}

/** Price, quantities, status and kind of an order: the fields Binance repeats in every order response, in its order. */
function orderState(o: Order) {
  return {
    price: u(o.price),
    origQty: u(o.origQty),
    executedQty: u(o.executedQty),
    origQuoteOrderQty: u(o.origQuoteOrderQty),
    cummulativeQuoteQty: u(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
  };
}

/** POST /api/v3/order in the requested response type. */
export function newOrderJson(o: Order, type: ResponseType) {
  const ack = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time };
  if (type === 'ACK') return ack;
  const result = { ...ack, ...orderState(o), workingTime: o.time, selfTradePreventionMode: 'NONE' };
  if (type === 'RESULT') return result;
  return {
    ...result,
    fills: o.fills.map((f) => ({ price: u(f.price), qty: u(f.qty), commission: u(f.commission), commissionAsset: f.commissionAsset, tradeId: f.tradeId })),
  };
}

/** DELETE /api/v3/order. */
export function cancelJson(o: Order, cancelClientOrderId: string, transactTime: number) {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelClientOrderId,
    transactTime,
    ...orderState(o),
    selfTradePreventionMode: 'NONE',
  };
}

/** GET /api/v3/myTrades. */
export function tradeJson(f: Fill) {
  return {
    symbol: f.symbol,
    id: f.tradeId,
    orderId: f.orderId,
    orderListId: -1,
    price: u(f.price),
    qty: u(f.qty),
    quoteQty: u(f.quoteQty),
    commission: u(f.commission),
    commissionAsset: f.commissionAsset,
    time: f.time,
    isBuyer: f.isBuyer,
    isMaker: f.isMaker,
    isBestMatch: true,
  };
}

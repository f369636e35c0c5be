// Validates POST /api/v3/order parameters into a NewOrder, with Binance's codes for each missing, malformed or misplaced parameter.
import { randomBytes } from 'node:crypto';
import { optional, optionalDecimal, required } from './api-request.js';
import { errors } from './errors.js';
import type { NewOrder, OrderType, ResponseType, Side, TimeInForce } from './order-types.js';
import type { RequestParams } from './signing.js';

const SIDES: readonly string[] = ['BUY', 'SELL'];
const TYPES: readonly string[] = ['LIMIT', 'LIMIT_MAKER', 'MARKET'];
const TIFS: readonly string[] = ['GTC', 'IOC', 'FOK'];
const RESPONSE_TYPES: readonly string[] = ['ACK', 'RESULT', 'FULL'];
export const CLIENT_ORDER_ID = /^[a-zA-Z0-9-_]{1,36}$/;

/** Binance generates a 22-character id when the client sends none. */
export const generatedClientOrderId = (): string => randomBytes(16).toString('base64url').slice(0, 22);

export function clientOrderIdParam(p: RequestParams, name: string): string | undefined {
  const v = p.values.get(name);
  if (v === undefined) return undefined;
  if (v === '') throw name === 'newClientOrderId' ? errors.emptyNewClientOrderId() : errors.emptyOrigClientOrderId();
  if (!CLIENT_ORDER_ID.test(v)) throw errors.illegalChars(name, '^[a-zA-Z0-9-_]{1,36}$');
  return v;
}

export function parseNewOrder(p: RequestParams, symbol: string): NewOrder {
  const side = required(p, 'side');
  if (!SIDES.includes(side)) throw errors.invalidSide();
  const type = required(p, 'type');
  if (!TYPES.includes(type)) throw errors.invalidType();
  const tif = optional(p, 'timeInForce');
  if (tif !== undefined && !TIFS.includes(tif)) throw errors.invalidTif();
  const responseType = optional(p, 'newOrderRespType') ?? 'FULL';
  if (!RESPONSE_TYPES.includes(responseType)) throw errors.invalidParam('newOrderRespType');
  const quantity = optionalDecimal(p, 'quantity');
  const quoteOrderQty = optionalDecimal(p, 'quoteOrderQty');
  const price = optionalDecimal(p, 'price');
  for (const unsupported of ['stopPrice', 'trailingDelta', 'icebergQty', 'pegPriceType']) {
    if (optional(p, unsupported) !== undefined) throw errors.notRequired(unsupported);
  }

  if (type === 'MARKET') {
    if (tif !== undefined) throw errors.notRequired('timeInForce');
    if (price !== undefined) throw errors.notRequired('price');
    if (quantity === undefined && quoteOrderQty === undefined) throw errors.eitherParam('quantity', 'quoteOrderQty');
    if (quantity !== undefined && quoteOrderQty !== undefined) throw errors.notRequired('quoteOrderQty');
    if ((quantity ?? quoteOrderQty)! <= 0n) throw errors.invalidMessage(quantity !== undefined ? 'Invalid quantity.' : 'Invalid quoteOrderQty.');
  } else {
    if (type === 'LIMIT' && tif === undefined) throw errors.mandatory('timeInForce');
    if (type === 'LIMIT_MAKER' && tif !== undefined) throw errors.notRequired('timeInForce');
    if (quantity === undefined) throw errors.mandatory('quantity');
    if (price === undefined) throw errors.mandatory('price');
    if (quoteOrderQty !== undefined) throw errors.notRequired('quoteOrderQty');
    if (price <= 0n) throw errors.invalidMessage('Invalid price.');
    if (quantity <= 0n) throw errors.invalidMessage('Invalid quantity.');
  }

  return {
    symbol,
    side: side as Side,
    type: type as OrderType,
    timeInForce: tif as TimeInForce | undefined,
    quantity,
    quoteOrderQty,
    price,
    clientOrderId: clientOrderIdParam(p, 'newClientOrderId') ?? generatedClientOrderId(),
    responseType: responseType as ResponseType,
  };
}

// Orders and fills as the matching engine keeps them (amounts in exact 8-decimal units).

export type Side = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';
export type ResponseType = 'ACK' | 'RESULT' | 'FULL';

/** A validated POST /api/v3/order request. */
export interface NewOrder {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce?: TimeInForce;
  quantity?: bigint;
  quoteOrderQty?: bigint;
  price?: bigint;
  clientOrderId: string;
  responseType: ResponseType;
}

export interface Fill {
  tradeId: number;
  orderId: number;
  symbol: string;
  price: bigint;
  qty: bigint;
  quoteQty: bigint;
  commission: bigint;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface Order {
  accountId: string;
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  /** 0 for market orders. */
  price: bigint;
  origQty: bigint;
  origQuoteOrderQty: bigint;
  executedQty: bigint;
  cummulativeQuoteQty: bigint;
  status: OrderStatus;
  time: number;
  updateTime: number;
  fills: Fill[];
  /** Funds held while the order rests in the book. */
  locked: { asset: string; amount: bigint } | null;
}

export const isOpen = (o: Order): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

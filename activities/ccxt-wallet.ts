// Maps ccxt's unified balance and order structures to the platform's Balance and OpenOrder.
import type { Balances, Order } from 'ccxt';
import type { Balance, OpenOrder } from '../domain/exchange-account.js';

/** ccxt's balance structure mixes per-asset entries with `info`, `free`, `used`, `total`, `timestamp`, `datetime`. */
const NOT_ASSETS = new Set(['info', 'free', 'used', 'total', 'debt', 'timestamp', 'datetime']);

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v ?? 0) || 0);

/** Assets with a non-zero amount, sorted by asset, so snapshots stay small and comparable. */
export function nonZeroBalances(balances: Balances): Balance[] {
  const out: Balance[] = [];
  for (const [asset, entry] of Object.entries(balances)) {
    if (NOT_ASSETS.has(asset) || !entry || typeof entry !== 'object') continue;
    const free = num(entry.free);
    const used = num(entry.used);
    const total = entry.total === undefined || entry.total === null ? free + used : num(entry.total);
    if (free !== 0 || used !== 0 || total !== 0) out.push({ asset, free, used, total });
  }
  return out.sort((a, b) => a.asset.localeCompare(b.asset));
}

export function toOpenOrder(order: Order): OpenOrder {
  return {
    id: String(order.id),
    clientOrderId: order.clientOrderId ?? null,
    symbol: String(order.symbol),
    side: order.side === 'sell' ? 'sell' : 'buy',
    type: String(order.type ?? 'limit'),
    price: order.price === undefined || order.price === null ? null : num(order.price),
    amount: num(order.amount),
    filled: num(order.filled),
    createdAt: order.datetime ?? (order.timestamp ? new Date(order.timestamp).toISOString() : null),
  };
}

// Request weights per endpoint (Binance's table) and the per-IP, per-minute REQUEST_WEIGHT limiter behind X-MBX-USED-WEIGHT-1M and 429s.

type Params = ReadonlyMap<string, string>;

const symbolCount = (p: Params): number | null => {
  if (p.has('symbol')) return 1;
  const symbols = p.get('symbols');
  if (symbols === undefined) return null;
  try {
    const list: unknown = JSON.parse(symbols);
    return Array.isArray(list) ? list.length : 1;
  } catch {
    return 1;
  }
};

function depthWeight(p: Params): number {
  const limit = Number(p.get('limit') ?? 100);
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

function ticker24hrWeight(p: Params): number {
  const n = symbolCount(p);
  if (n === null) return 80;
  if (n <= 20) return 2;
  if (n <= 100) return 40;
  return 80;
}

/** Weight of one request, keyed by "METHOD path" below /api/v3 (or /sapi/v1). Unknown endpoints weigh 1. */
const WEIGHTS: Record<string, (p: Params) => number> = {
  'GET ping': () => 1,
  'GET time': () => 1,
  'GET exchangeInfo': () => 20,
  'GET depth': depthWeight,
  'GET klines': () => 2,
  'GET uiKlines': () => 2,
  'GET ticker/24hr': ticker24hrWeight,
  'GET ticker/price': (p) => (symbolCount(p) === 1 && p.has('symbol') ? 2 : 4),
  'GET ticker/bookTicker': (p) => (symbolCount(p) === 1 && p.has('symbol') ? 2 : 4),
  'GET account': () => 20,
  'GET account/commission': () => 20,
  'GET order': () => 4,
  'POST order': () => 1,
  'POST order/test': (p) => (p.get('computeCommissionRates') === 'true' ? 20 : 1),
  'DELETE order': () => 1,
  'GET openOrders': (p) => (p.has('symbol') ? 6 : 80),
  'GET allOrders': () => 20,
  'GET myTrades': (p) => (p.has('orderId') ? 5 : 20),
  'GET margin/allPairs': () => 1,
  'GET margin/isolated/allPairs': () => 10,
  'GET spot/delist-schedule': () => 100,
};

export function requestWeight(method: string, path: string, params: Params): number {
  return WEIGHTS[`${method} ${path}`]?.(params) ?? 1;
}

const MINUTE = 60_000;

/** Fixed one-minute windows per client, like Binance's REQUEST_WEIGHT 1M counter. */
export class WeightLimiter {
  private readonly used = new Map<string, { window: number; weight: number }>();

  constructor(public limit: number) {}

  /** Adds a request's weight; returns the minute's total and, when over the limit, seconds until the window resets. */
  charge(client: string, weight: number, now: number): { used: number; retryAfterSeconds?: number } {
    const window = Math.floor(now / MINUTE);
    let entry = this.used.get(client);
    if (!entry || entry.window !== window) {
      entry = { window, weight: 0 };
      this.used.set(client, entry);
    }
    entry.weight += weight;
    if (entry.weight > this.limit) return { used: entry.weight, retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * MINUTE - now) / 1000)) };
    return { used: entry.weight };
  }

  reset(): void {
    this.used.clear();
  }
}

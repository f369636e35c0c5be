// Test helpers: a paper exchange on a free port with manual ticks, and real ccxt `binance` clients configured the way the platform does.
import ccxt from 'ccxt';
import { startPaperExchange, type PaperExchangeHandle, type PaperExchangeOptions } from './server.js';

export type Binance = InstanceType<typeof ccxt.binance>;

export async function startTestExchange(options: PaperExchangeOptions = {}): Promise<PaperExchangeHandle> {
  // Manual ticks and a fixed seed: prices move only when a test says so.
  return startPaperExchange({ port: 0, seed: 'test', tickMs: 0, ...options });
}

export function binanceClient(ex: PaperExchangeHandle, credentials?: { apiKey: string; secret: string }, extra: Record<string, unknown> = {}): Binance {
  const config = ex.ccxtConfig(credentials) as { options: Record<string, unknown> };
  return new ccxt.binance({ ...config, ...extra, options: { ...config.options, ...((extra['options'] as object) ?? {}) } });
}

/** A funded account and a client signed in as it. */
export async function tradingClient(ex: PaperExchangeHandle, balances: Record<string, string> = { USDT: '10000' }) {
  const account = ex.createAccount({ balances });
  const client = binanceClient(ex, account);
  await client.loadMarkets();
  return { account, client };
}

export async function adminFetch(ex: PaperExchangeHandle, method: string, path: string, body?: unknown, token = ex.adminToken) {
  const res = await fetch(`${ex.url}/admin${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

export { ccxt };

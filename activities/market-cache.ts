// Markets of each exchange, as ccxt loads them, kept for a minute per worker: a ccxt client is megabytes and its market
// table tens of milliseconds of parsing, and a burst of bot creations checked every bot's pairs against a freshly built
// client. Concurrent checks share one load; a failed load is not kept.
import type { Exchange } from 'ccxt';
import type { ExchangeProfile } from '../domain/exchanges.js';
import { createExchangeClient } from './exchange-client.js';
import { exchangeFailure } from './exchange-errors.js';

/** Markets change rarely (listings, pauses); a pair listed or paused is seen within this. */
export const MARKETS_TTL_MS = 60_000;

type Markets = Awaited<ReturnType<Exchange['loadMarkets']>>;

const loaded = new Map<string, { at: number; markets: Promise<Markets> }>();

/** The exchange's markets, from this worker's cache when younger than MARKETS_TTL_MS; an unreachable exchange throws its failure. */
export function cachedMarkets(profile: ExchangeProfile): Promise<Markets> {
  const key = JSON.stringify([profile.ccxtId, profile.apiUrls ?? null, profile.options ?? null]);
  const hit = loaded.get(key);
  if (hit && Date.now() - hit.at < MARKETS_TTL_MS) return hit.markets;
  const client = createExchangeClient(profile);
  const markets = client.loadMarkets().catch((error: unknown) => {
    loaded.delete(key);
    throw exchangeFailure(error, client, []);
  });
  loaded.set(key, { at: Date.now(), markets });
  return markets;
}

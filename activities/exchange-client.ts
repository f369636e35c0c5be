// Builds ccxt clients from exchange profiles; the only place that constructs ccxt exchange instances.
import { SpanKind } from '@opentelemetry/api';
import ccxt, { type Exchange } from 'ccxt';
import type { ExchangeProfile } from '../domain/exchanges.js';
import { inSpan, tracingActive } from '../telemetry/tracing.js';

export interface ExchangeCredentials {
  apiKey: string;
  secret: string;
  passphrase?: string;
}

export const isKnownExchange = (ccxtId: string): boolean => (ccxt.exchanges as string[]).includes(ccxtId);

export function createExchangeClient(profile: ExchangeProfile, credentials?: ExchangeCredentials, timeoutMs = 10_000): Exchange {
  if (!isKnownExchange(profile.ccxtId)) throw new Error(`unknown exchange "${profile.id}": not one of ccxt's exchanges`);
  const Class = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[profile.ccxtId]!;
  const client = new Class({
    enableRateLimit: true,
    timeout: timeoutMs,
    options: { ...profile.options, warnOnFetchOpenOrdersWithoutSymbol: false },
    ...(credentials ? { apiKey: credentials.apiKey, secret: credentials.secret, password: credentials.passphrase } : {}),
  });
  if (profile.apiUrls) {
    const urls = client.urls as { api: Record<string, string> };
    urls.api = { ...urls.api, ...profile.apiUrls };
  }
  if (tracingActive()) traceExchangeCalls(client, profile);
  return client;
}

/**
 * A span around each HTTP call the client makes (every ccxt method ends in `fetch`), named by exchange, method and
 * path. Never the query (signed requests carry the signature and, on some exchanges, the key there), headers or body.
 */
function traceExchangeCalls(client: Exchange, profile: ExchangeProfile): void {
  const fetch = client.fetch.bind(client);
  client.fetch = (url: string, method = 'GET', headers?: unknown, body?: unknown) => {
    const { host, pathname } = new URL(url);
    return inSpan(`exchange ${method} ${pathname}`, {
      'exchange.id': profile.id, 'exchange.ccxt_id': profile.ccxtId, 'http.request.method': method, 'server.address': host, 'url.path': pathname,
    }, () => fetch(url, method, headers, body), SpanKind.CLIENT);
  };
}

/** ccxt's API URL table per exchange class: building an exchange instance costs milliseconds, and every bot list asks. */
const apiUrlsByClass = new Map<string, readonly string[]>();

/**
 * The URLs a bot of this profile may call, for its egress allowlist: the profile's overrides alone when it has them
 * (the paper exchange), else every URL in ccxt's `urls.api` table of the exchange.
 */
export function exchangeApiUrls(profile: ExchangeProfile): string[] {
  if (profile.apiUrls) return Object.values(profile.apiUrls);
  if (!isKnownExchange(profile.ccxtId)) return [];
  let urls = apiUrlsByClass.get(profile.ccxtId);
  if (!urls) {
    const Class = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[profile.ccxtId]!;
    const found: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') found.push(value);
      else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v);
    };
    collect((new Class({}).urls as { api?: unknown }).api);
    urls = Object.freeze(found);
    apiUrlsByClass.set(profile.ccxtId, urls);
  }
  return [...urls];
}

// The bot host's ccxt clients and error handling: one class (binance, which also speaks to the paper exchange), backoff, safe messages.
// `ccxt` resolves to all of ccxt in tests and to just the binance class plus the error classes in the bundle (see build.ts).
import { binance, OperationFailed, type Exchange } from 'ccxt';
import type { BotExchangeCredentials, BotExchangeProfile } from '../domain/bot-host-config.js';

/** The ccxt classes this host bundles; each added class costs every container memory (see bot/build.ts). */
const CLASSES: Record<string, typeof binance> = { binance };

/** Spot only, and no margin or currency look-ups: those would reach endpoints a spot bot never needs. */
const SPOT_DEFAULTS = { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, defaultType: 'spot' };

export function createClient(
  profile: BotExchangeProfile,
  clock: () => number,
  credentials?: BotExchangeCredentials,
  timeoutMs = 10_000,
): Exchange {
  const Class = CLASSES[profile.ccxtId];
  if (!Class) throw new Error(`exchange class "${profile.ccxtId}" is not available in the builtin bot host (bundled: ${Object.keys(CLASSES).join(', ')})`);
  const client = new Class({
    enableRateLimit: true,
    timeout: timeoutMs,
    options: { ...SPOT_DEFAULTS, ...profile.options, warnOnFetchOpenOrdersWithoutSymbol: false },
    // In a container its only way out: the egress proxy (bot/egress-forwarder.ts relays the port to its socket).
    ...profile.proxy,
    ...(credentials ? { apiKey: credentials.apiKey, secret: credentials.secret, password: credentials.passphrase } : {}),
  });
  if (profile.apiUrls) {
    const urls = client.urls as { api: Record<string, string> };
    urls.api = { ...urls.api, ...profile.apiUrls };
  }
  // Signed requests carry the host's clock, the same one the trading loop reads (a test clock in tests).
  client.milliseconds = clock;
  countCalls(client);
  return client;
}

/** This host's exchange calls (every ccxt method ends in `fetch`), for the platform's metrics (bot/host-metrics.ts). */
export const exchangeCalls = { requests: 0, errors: 0 };

function countCalls(client: Exchange): void {
  const fetch = client.fetch.bind(client);
  client.fetch = async (url: string, method?: string, headers?: unknown, body?: unknown) => {
    exchangeCalls.requests += 1;
    try {
      return await fetch(url, method, headers, body);
    } catch (err) {
      exchangeCalls.errors += 1;
      throw err;
    }
  };
}

/** Network trouble, timeouts, 429s and 5xx: worth retrying, and for an order the outcome is unknown until queried. */
export const isTransient = (err: unknown): boolean => err instanceof OperationFailed;

/** An exchange error as a log line: class and message, without query strings (signed requests carry their signature there). */
export function errorText(err: unknown): string {
  const name = err instanceof Error ? err.constructor.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return `${name}: ${message.replace(/\?[^\s"']*/g, '?…').slice(0, 300)}`;
}

/**
 * Exponential backoff with a cap, on the wall clock (exchange rate limits are real time even under a test clock):
 * failures push the next attempt out, a success resets it.
 */
export class Backoff {
  private failures = 0;
  private notBefore = 0;

  constructor(
    private readonly baseMs = 1_000,
    private readonly maxMs = 60_000,
  ) {}

  ready(): boolean {
    return Date.now() >= this.notBefore;
  }

  /** Records a failure and returns the delay before the next attempt. */
  fail(): number {
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.failures);
    this.failures += 1;
    this.notBefore = Date.now() + delay;
    return delay;
  }

  ok(): void {
    this.failures = 0;
    this.notBefore = 0;
  }

  get failing(): boolean {
    return this.failures > 0;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

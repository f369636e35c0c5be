// Market feed activity: polls one exchange's tickers through ccxt every second for the symbols the platform needs.
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Exchange } from 'ccxt';
import type { ExchangeProfile } from '../domain/exchanges.js';
import { neededSymbols, upsertPrices, type Ticker } from '../db/market-prices.js';
import type { Db } from '../db/pool.js';
import { createExchangeClient, isKnownExchange } from './exchange-client.js';

export interface MarketFeedDeps {
  db: Db;
  /** The ccxt profile of an exchange id (the worker resolves `paper` to the paper exchange's URL). */
  profileFor: (exchangeId: string) => ExchangeProfile;
  tickMs?: number;
  /** How often the symbol set is recomputed from bots, trades and wallet snapshots. */
  symbolsRefreshMs?: number;
}

export interface WatchPricesInput {
  exchangeId: string;
  /** The activity returns after this long so its workflow can continue-as-new. */
  runForMs: number;
}

/** Heartbeat details: what the feed has done so far (also carried over to a retried attempt). */
export interface FeedProgress {
  ticks: number;
  symbols: number;
  /** Price moves written and announced. */
  moves: number;
  lastTickAt: string | null;
  lastError: string | null;
}

/** Consecutive failed ticks the activity rides out before failing, so its workflow retries it with backoff. */
const MAX_FAILED_TICKS = 3;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function createMarketFeedActivities(deps: MarketFeedDeps) {
  const { db } = deps;
  const tickMs = deps.tickMs ?? 1000;
  const refreshMs = deps.symbolsRefreshMs ?? 5000;

  /** Only symbols the exchange lists: anything else stays unpriced rather than failing the whole fetch. */
  async function listedSymbols(client: Exchange, exchangeId: string): Promise<string[]> {
    return (await neededSymbols(db, exchangeId)).filter((s) => client.markets?.[s] !== undefined);
  }

  return {
    async watchPrices(input: WatchPricesInput): Promise<FeedProgress> {
      const ctx = Context.current();
      const carried = ctx.info.heartbeatDetails as FeedProgress | undefined;
      const progress: FeedProgress = { ticks: 0, symbols: 0, moves: 0, lastTickAt: null, lastError: null, ...carried };
      const profile = deps.profileFor(input.exchangeId);
      if (!isKnownExchange(profile.ccxtId)) {
        throw ApplicationFailure.nonRetryable(`no market feed for "${input.exchangeId}": ccxt does not know that exchange`, 'UnknownExchange');
      }
      // Public market data only: the feed never holds credentials.
      const client = createExchangeClient(profile);
      await client.loadMarkets();
      const until = Date.now() + input.runForMs;
      let symbols: string[] = [];
      let symbolsAt = -Infinity;
      let failed = 0;
      while (Date.now() < until) {
        const started = Date.now();
        try {
          if (started - symbolsAt >= refreshMs) {
            symbols = await listedSymbols(client, input.exchangeId);
            symbolsAt = started;
          }
          if (symbols.length > 0) {
            const tickers = await client.fetchTickers(symbols);
            const rows: Ticker[] = Object.entries(tickers).map(([symbol, t]) => ({
              symbol,
              last: num(t.last),
              bid: num(t.bid),
              ask: num(t.ask),
              at: new Date(t.timestamp ?? started).toISOString(),
            }));
            progress.moves += (await upsertPrices(db, input.exchangeId, rows)).length;
          }
          Object.assign(progress, { ticks: progress.ticks + 1, symbols: symbols.length, lastTickAt: new Date().toISOString(), lastError: null });
          failed = 0;
        } catch (error) {
          failed += 1;
          progress.lastError = (error as Error).message.slice(0, 300);
          log.warn('market feed tick failed', { exchangeId: input.exchangeId, failed, error: progress.lastError });
          if (failed >= MAX_FAILED_TICKS) {
            throw new Error(`market feed for ${input.exchangeId} failed ${failed} ticks in a row: ${progress.lastError}`);
          }
        }
        ctx.heartbeat({ ...progress });
        await ctx.sleep(Math.max(0, tickMs - (Date.now() - started)));
      }
      return progress;
    },
  };
}

export type MarketFeedActivities = ReturnType<typeof createMarketFeedActivities>;

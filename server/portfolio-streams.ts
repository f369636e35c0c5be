// Live valuations per user: changes mark a user dirty, one valuation per user at most every second reaches all their streams.
import type { Db } from '../db/pool.js';
import { valueUserPortfolio } from '../db/portfolio.js';
import type { Valuation } from '../domain/portfolio.js';
import { priceKey } from '../domain/valuation.js';
import type { PortfolioEvents } from './portfolio-events.js';

export type ValuationSink = (valuation: Valuation) => void;

export interface PortfolioStreams {
  /** Sends the current valuation to `sink` now, then every change (throttled per user); returns the unsubscribe. */
  subscribe(userId: string, sink: ValuationSink): () => void;
  /** Users with at least one open stream (for tests and metrics). */
  watchedUsers(): number;
}

interface Watcher {
  userId: string;
  sinks: Set<ValuationSink>;
  /** priceKey of every market the user's last valuation read. */
  markets: Set<string>;
  dirty: boolean;
  timer: NodeJS.Timeout | null;
  running: boolean;
  lastPushAt: number;
  /** The last valuation pushed, without its time: an identical one is not pushed again. */
  lastFingerprint: string | null;
  unsubscribe: () => void;
}

export function createPortfolioStreams(
  db: Db,
  events: PortfolioEvents,
  options: { minIntervalMs?: number; log?: (entry: Record<string, unknown>) => void } = {},
): PortfolioStreams {
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const log = options.log ?? (() => {});
  const watchers = new Map<string, Watcher>();
  /** priceKey → users whose valuation reads that market: a price move costs one lookup per moved symbol. */
  const byMarket = new Map<string, Set<Watcher>>();

  const fingerprint = (v: Valuation): string => JSON.stringify({ ...v, at: null });

  function watchMarkets(w: Watcher, keys: Set<string>): void {
    for (const key of w.markets) {
      if (keys.has(key)) continue;
      const set = byMarket.get(key);
      set?.delete(w);
      if (set?.size === 0) byMarket.delete(key);
    }
    for (const key of keys) {
      let set = byMarket.get(key);
      if (!set) byMarket.set(key, (set = new Set()));
      set.add(w);
    }
    w.markets = keys;
  }

  async function value(w: Watcher): Promise<Valuation> {
    const { valuation, symbols } = await valueUserPortfolio(db, w.userId);
    if (watchers.get(w.userId) === w) watchMarkets(w, new Set(symbols.map((s) => priceKey(s.exchangeId, s.symbol))));
    return valuation;
  }

  /** Coalesces: however many changes arrive, the next valuation runs once, a full interval after the last push. */
  function schedule(w: Watcher): void {
    if (w.timer || w.running || watchers.get(w.userId) !== w) return;
    w.timer = setTimeout(() => void push(w), Math.max(0, w.lastPushAt + minIntervalMs - Date.now()));
  }

  function markDirty(w: Watcher): void {
    w.dirty = true;
    schedule(w);
  }

  async function push(w: Watcher): Promise<void> {
    w.timer = null;
    w.dirty = false;
    w.running = true;
    try {
      const valuation = await value(w);
      const print = fingerprint(valuation);
      if (print !== w.lastFingerprint) {
        w.lastFingerprint = print;
        w.lastPushAt = Date.now();
        for (const sink of w.sinks) sink(valuation);
      }
    } catch (error) {
      log({ level: 'warn', msg: 'portfolio valuation failed; retrying', userId: w.userId, error: (error as Error).message });
      w.dirty = true;
      w.lastPushAt = Date.now();
    } finally {
      w.running = false;
      if (w.dirty) schedule(w);
    }
  }

  /** A new stream's first valuation; pushes wait for it, so a stream never sees an older valuation after a newer one. */
  async function first(w: Watcher, sink: ValuationSink): Promise<void> {
    const otherInFlight = w.running;
    w.running = true;
    try {
      const valuation = await value(w);
      if (!w.sinks.has(sink)) return;
      // Other streams of this user have not seen this valuation: only a lone stream's sets what counts as "seen".
      if (w.sinks.size === 1) w.lastFingerprint = fingerprint(valuation);
      w.lastPushAt = Date.now();
      sink(valuation);
    } catch (error) {
      log({ level: 'warn', msg: 'portfolio valuation failed; retrying', userId: w.userId, error: (error as Error).message });
      w.dirty = true;
    } finally {
      if (!otherInFlight) {
        w.running = false;
        if (w.dirty) schedule(w);
      }
    }
  }

  function dispose(w: Watcher): void {
    if (w.timer) clearTimeout(w.timer);
    w.unsubscribe();
    watchMarkets(w, new Set());
    watchers.delete(w.userId);
  }

  events.onPrices(({ exchangeId, symbols }) => {
    for (const symbol of symbols) for (const w of byMarket.get(priceKey(exchangeId, symbol)) ?? []) markDirty(w);
  });
  events.onResync(() => {
    for (const w of watchers.values()) markDirty(w);
  });

  return {
    subscribe(userId, sink) {
      let w = watchers.get(userId);
      if (!w) {
        const created: Watcher = {
          userId, sinks: new Set(), markets: new Set(), dirty: false, timer: null, running: false, lastPushAt: 0,
          lastFingerprint: null, unsubscribe: () => {},
        };
        created.unsubscribe = events.onUserChange(userId, () => markDirty(created));
        watchers.set(userId, created);
        w = created;
      }
      const watcher = w;
      watcher.sinks.add(sink);
      void first(watcher, sink);
      return () => {
        watcher.sinks.delete(sink);
        if (watcher.sinks.size === 0 && watchers.get(userId) === watcher) dispose(watcher);
      };
    },
    watchedUsers: () => watchers.size,
  };
}

// The guard watcher: one long-running activity per exchange (workflow `guard-watch:<exchange>@<queue>`) that prices
// every watched symbol and wakes only the guards that must act.
//
// Design (why cost grows with symbols, not guards): each tick is ONE ticker request for all watched symbols of the
// exchange (bid = the price a sale gets). Every guard's threshold check is arithmetic in this process (observePrice):
// no activity, no workflow task, no Temporal action per tick per guard. A guard's workflow is signalled only when
// (a) its stop is crossed, (b) its next take-profit target is reached, or (c) its peak rose materially (MATERIAL_RATIO)
// above the peak the workflow holds, so the workflow's history stays small. The exact peak goes to PostgreSQL in one
// batched statement per second (announced on `guard_changes` for the dashboard); that row is the peak's checkpoint. The
// last price rides along; at most ROWS_PER_WRITE guards a second are written (lagging flags first, then new peaks, then
// prices, least recently written first). When the watcher restarts (worker killed, retried activity), each guard first
// recovers what happened while nobody watched from the exchange's 1m candles since its checkpoint (recoverFromCandles): the exact
// highs, and a stop crossed meanwhile. Changed rules and ladder progress are re-read from PostgreSQL every second, so edits
// reach the watcher without a restart.
//
// Workflows only for guards that act (issue 21; decided by measurement, the figures and what each change bought are in
// docs/guards.md#figures). A guard made by a batch (activities/guard-batch.ts) is only its row until its stop or target
// is crossed; then the stop signal starts its workflow with the row's state carried in (signalWithStart; a workflow that
// has ended is never started again), and from there on it is the same workflow a single create starts, owning its
// decisions and exits. The API starts it the same way on a first edit or cancel (updateWithStart). Guards made one at a
// time keep their workflow from creation, and peak signals go only to guards whose workflow runs. What made the watcher
// itself fit 10,000 guards: at most ROWS_PER_WRITE rows written a second, a guard judged again only when its price or
// rules changed, and the 30 s full reload reading ids only.
import { Context, log } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { databaseNow, guardRows, recordGuardPrices, watchedGuardIds, watchedGuards, type WatchedGuardRow } from '../db/guards.js';
import type { Db } from '../db/pool.js';
import type { ExchangeProfile } from '../domain/exchanges.js';
import { observePrice, recoverFromCandles, type WatchEvent, type WatchedPosition } from '../domain/guard-math.js';
import { createSignalDispatch, type SignalStats } from '../domain/guard-signals.js';
import { guardTaskQueue, guardWatchWorkflowId, guardWorkflowId } from '../domain/workflow-ids.js';
import { GuardStateKey, GuardSymbolKey, UserIdKey } from '../temporal/search-attributes.js';
import { carriedState, type GuardWorkflowInput } from '../workflows/guard-messages.js';
import { createExchangeClient } from './exchange-client.js';
import { recordGuardCrossing } from '../telemetry/worker-metrics.js';

export interface GuardWatcherDeps {
  db: Db;
  client: Client;
  profileFor: (exchangeId: string) => ExchangeProfile;
  /** The queue the watcher workflows run on (this worker's). */
  taskQueue: string;
  tickMs?: number;
}

export interface GuardWatchInput {
  exchangeId: string;
  runForMs: number;
}

export interface GuardWatchProgress {
  ticks: number;
  guards: number;
  symbols: number;
  signals: number;
  signalStats: SignalStats;
  /** Guards lagging now (a stop or target not taken in time). */
  lagging: number;
  lastError: string | null;
}

/** The signal's name in workflows/guard.ts (activities do not import workflow code). */
export const GUARD_PRICE_SIGNAL = 'guardPrice';
const GUARD_WATCH_WORKFLOW = 'guardWatchWorkflow';
const GUARD_WORKFLOW = 'guardWorkflow';
export const MATERIAL_RATIO = 0.01;
const RELOAD_MS = 1000;
const FULL_RELOAD_MS = 30_000;
const WRITE_MS = 1000;
/**
 * Guard rows written a second at most: up to 2,000 guards every change is written each second; 10,000 are each written
 * every 5 s or so (a late peak checkpoint only makes a restarted watcher replay more candles).
 */
const ROWS_PER_WRITE = 2000;
const MINUTE = 60_000;

interface Watched extends WatchedPosition {
  row: WatchedGuardRow;
  acknowledgedPeak: number;
  recovered: boolean;
  price: number | null;
  priceAt: number;
  /** Its last price changed since it was written; `checkpoint`: its peak changed too; `flagged`: its lagging flag did. */
  dirty: boolean;
  checkpoint: boolean;
  flagged: boolean;
  writtenAt: number;
  /** Since when it lags (ms), as last written. */
  laggingSince: number | null;
  /** Whether the guard's workflow runs: `none` for a batch-made guard that has not had to act yet (it gets no peaks). */
  workflow: 'unknown' | 'running' | 'none';
  /** Its rules or ladder were re-read: judge it again even if its price has not moved. */
  stale: boolean;
  /** When recovery found the stop crossed while nobody watched. */
  missedStopAt: number | null;
}

export function createGuardWatcherActivities(deps: GuardWatcherDeps) {
  const tickMs = deps.tickMs ?? 250;

  return {
    /** Starts the exchange's watcher unless it runs already: safe to call for every new guard. */
    async ensureGuardWatcher(exchangeId: string): Promise<void> {
      await deps.client.workflow.start(GUARD_WATCH_WORKFLOW, {
        workflowId: guardWatchWorkflowId(exchangeId, deps.taskQueue),
        taskQueue: deps.taskQueue,
        args: [{ exchangeId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    },

    async watchGuardPrices(input: GuardWatchInput): Promise<GuardWatchProgress> {
      const ctx = Context.current();
      const dispatch = createSignalDispatch();
      const progress: GuardWatchProgress = { ticks: 0, guards: 0, symbols: 0, signals: 0, signalStats: dispatch.stats, lagging: 0, lastError: null };
      const exchange = createExchangeClient(deps.profileFor(input.exchangeId));
      await exchange.loadMarkets();
      const watched = new Map<string, Watched>();
      const until = Date.now() + input.runForMs;
      let reloadedAt = -Infinity;
      let writtenAt = Date.now();

      // Every second only the rows decided since the last read (a few seconds of overlap cover transactions that
      // committed late); every FULL_RELOAD_MS all watched rows, which also drops guards deleted meanwhile.
      let fullAt = -Infinity;
      let since: string | null = null;
      const forget = (id: string) => {
        watched.delete(id);
        dispatch.forget(id);
      };
      const reload = async () => {
        const full = since === null || Date.now() - fullAt >= FULL_RELOAD_MS;
        const stamp = new Date(Date.parse(await databaseNow(deps.db)) - 5000).toISOString();
        let rows: WatchedGuardRow[];
        if (since === null) rows = await watchedGuards(deps.db, input.exchangeId, deps.taskQueue);
        else if (full) {
          // Ids only (parsing 10,000 rows every 30 s stalls the worker's event loop): drop the gone, read the missed.
          const ids = new Set(await watchedGuardIds(deps.db, input.exchangeId, deps.taskQueue));
          for (const id of watched.keys()) if (!ids.has(id)) forget(id);
          const missed = [...ids].filter((id) => !watched.has(id));
          rows = missed.length ? await guardRows(deps.db, missed) : [];
        } else rows = await watchedGuards(deps.db, input.exchangeId, deps.taskQueue, since);
        since = stamp;
        if (full) fullAt = Date.now();
        for (const row of rows) {
          if (row.state !== 'watching') {
            forget(row.id);
            continue;
          }
          const known = watched.get(row.id);
          if (known) {
            Object.assign(known, { row, rules: row.rules, nextTarget: row.nextTarget, breakEven: row.breakEven, entryPrice: row.entryPrice, stale: true });
            if (row.peak > known.peak) Object.assign(known, { peak: row.peak, peakAt: Date.parse(row.peakAt) });
          } else {
            const peakAt = Date.parse(row.peakAt);
            watched.set(row.id, {
              row, entryPrice: row.entryPrice, rules: row.rules, nextTarget: row.nextTarget, breakEven: row.breakEven,
              peak: row.peak, peakAt, acknowledgedPeak: row.peak, recovered: false, price: null, priceAt: 0, dirty: false, checkpoint: false, flagged: false, writtenAt: 0, laggingSince: null,
              workflow: 'unknown', stale: true, missedStopAt: null,
            });
          }
        }
        progress.guards = watched.size;
      };

      /** Highs (and a crossed stop) from the exchange's 1m candles since each new guard's checkpoint. */
      const recover = async (fresh: Watched[]) => {
        const bySymbol = new Map<string, Watched[]>();
        for (const g of fresh) bySymbol.set(g.row.symbol, [...(bySymbol.get(g.row.symbol) ?? []), g]);
        for (const [symbol, list] of bySymbol) {
          const since = Math.min(...list.map((g) => g.peakAt)) - MINUTE;
          const ohlcv = await exchange.fetchOHLCV(symbol, '1m', since, 1000);
          const candles = ohlcv.map(([t, , high, low]) => ({ t: Number(t), high: Number(high), low: Number(low) }));
          for (const g of list) {
            // Only candles that opened after the guard existed: an earlier high or low in its first minute is not its business.
            const r = recoverFromCandles(g, candles.filter((c) => c.t >= Date.parse(g.row.createdAt)), MINUTE);
            if (r.peak > g.peak) Object.assign(g, { peak: r.peak, peakAt: r.peakAt, dirty: true, checkpoint: true });
            g.recovered = true;
            if (r.crossedAt !== null) {
              // A stop crossed meanwhile exits at the next price seen, even if the price came back above it since.
              log.info('a guard stop was crossed while the watcher was down', { guardId: g.row.id, at: new Date(r.crossedAt).toISOString() });
              g.missedStopAt = r.crossedAt;
            }
          }
        }
      };

      // Signals never hold up the next tick: a slow Temporal delays a wake-up, not the pricing of every other guard.
      const inFlight = new Set<Promise<void>>();
      // A stop or target starts the guard's workflow if it has none yet (a batch-made guard), with the state its row holds;
      // a workflow that has ended is never started again (the guard is then no longer watched).
      const deliver = (g: Watched, event: WatchEvent): Promise<unknown> => {
        const workflowId = guardWorkflowId(g.row.id);
        if (event.kind === 'peak') return deps.client.workflow.getHandle(workflowId).signal(GUARD_PRICE_SIGNAL, event);
        const args: [GuardWorkflowInput] = [{ guardId: g.row.id, userId: g.row.userId, carried: carriedState({ ...g.row, peak: g.peak }) }];
        return deps.client.workflow.signalWithStart(GUARD_WORKFLOW, {
          workflowId, taskQueue: guardTaskQueue(deps.taskQueue), args, signal: GUARD_PRICE_SIGNAL, signalArgs: [event],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: GuardStateKey, value: 'watching' }, { key: GuardSymbolKey, value: g.row.symbol }, { key: UserIdKey, value: g.row.userId }],
        });
      };
      const send = (guardId: string, event: WatchEvent): void => {
        const g = watched.get(guardId);
        if (!g) return dispatch.done(guardId, event, false, Date.now());
        if (event.kind === 'peak') g.acknowledgedPeak = event.peak;
        else recordGuardCrossing(guardId, event.at);
        progress.signals++;
        const sent = deliver(g, event)
          .then(
            () => {
              dispatch.done(guardId, event, true, Date.now());
              g.workflow = 'running';
            },
            (error: unknown) => {
              // No workflow yet: the guard gets one on its first trigger, and no peaks till then (not a failure).
              const none = error instanceof WorkflowNotFoundError && event.kind === 'peak';
              dispatch.done(guardId, event, none, Date.now());
              if (none) return void (g.workflow = 'none');
              if (error instanceof WorkflowNotFoundError || error instanceof WorkflowExecutionAlreadyStartedError) return forget(guardId);
              log.warn('guard signal failed; its guard sends it again after a backoff', { guardId, kind: event.kind, error: (error as Error).message });
            },
          )
          .finally(() => inFlight.delete(sent));
        inFlight.add(sent);
      };

      let failed = 0;
      while (Date.now() < until) {
        const started = Date.now();
        try {
          if (started - reloadedAt >= RELOAD_MS) {
            await reload();
            reloadedAt = started;
          }
          const fresh = [...watched.values()].filter((g) => !g.recovered);
          if (fresh.length) await recover(fresh);
          const symbols = [...new Set([...watched.values()].map((g) => g.row.symbol))].filter((s) => exchange.markets?.[s] !== undefined);
          progress.symbols = symbols.length;
          if (symbols.length) {
            const books = await exchange.fetchBidsAsks(symbols);
            const now = Date.now();
            for (const g of watched.values()) {
              const bid = books[g.row.symbol]?.bid;
              if (typeof bid !== 'number' || !(bid > 0)) continue;
              // The same price for the same rules means the same (a wanted stop stays wanted in the dispatch): most
              // guards' symbols do not move every tick, and 10,000 guards judged 4 times a second stall the event loop.
              if (bid === g.price && !g.stale && g.missedStopAt === null) continue;
              g.stale = false;
              const seen = observePrice(g, bid, now, g.acknowledgedPeak, MATERIAL_RATIO);
              if (seen.peak !== g.peak) g.checkpoint = true;
              if (seen.peak !== g.peak || bid !== g.price) g.dirty = true;
              Object.assign(g, { peak: seen.peak, peakAt: seen.peakAt, price: bid, priceAt: now });
              const event: WatchEvent | null =
                g.missedStopAt !== null ? { kind: 'stop', price: bid, peak: g.peak, stop: null, at: now, missedAt: g.missedStopAt } : seen.event;
              dispatch.observe(g.row.id, event?.kind === 'peak' && g.workflow === 'none' ? null : event, now);
            }
            for (const { guardId, event } of dispatch.take(now)) send(guardId, event);
            let lagging = 0;
            for (const g of watched.values()) {
              const since = dispatch.laggingSince(g.row.id, now);
              if (since !== null) lagging++;
              if (since !== g.laggingSince) Object.assign(g, { laggingSince: since, dirty: true, flagged: true });
            }
            progress.lagging = lagging;
          }
          if (Date.now() - writtenAt >= WRITE_MS) {
            // Lagging flags always; then new peaks (the checkpoint), then prices, least recently written first, up to
            // ROWS_PER_WRITE: 10,000 guards do not rewrite 10,000 rows every second.
            const pending = [...watched.values()].filter((g) => g.dirty && g.price !== null);
            const rank = (g: Watched) => (g.flagged ? 0 : g.checkpoint ? 1 : 2);
            pending.sort((a, b) => rank(a) - rank(b) || a.writtenAt - b.writtenAt);
            const dirty = pending.slice(0, Math.max(ROWS_PER_WRITE, pending.filter((g) => g.flagged).length));
            await recordGuardPrices(deps.db, dirty.map((g) => ({
              id: g.row.id, price: g.price!, at: new Date(g.priceAt).toISOString(), peak: g.peak, peakAt: new Date(g.peakAt).toISOString(),
              laggingSince: g.laggingSince === null ? null : new Date(g.laggingSince).toISOString(),
            })));
            const at = Date.now();
            for (const g of dirty) Object.assign(g, { dirty: false, checkpoint: false, flagged: false, writtenAt: at });
            writtenAt = Date.now();
          }
          progress.ticks++;
          failed = 0;
        } catch (error) {
          progress.lastError = (error as Error).message.slice(0, 300);
          // A few bad ticks are ridden out; more fail the activity, and its workflow retries it with backoff.
          if (++failed > 5) throw error;
          log.warn('guard watcher tick failed', { exchangeId: input.exchangeId, error: progress.lastError });
        }
        ctx.heartbeat(progress);
        const wait = tickMs - (Date.now() - started);
        if (wait > 0) await ctx.sleep(wait);
        if (ctx.cancellationSignal.aborted) break;
      }
      await Promise.all(inFlight);
      return progress;
    },
  };
}

export type GuardWatcherActivities = ReturnType<typeof createGuardWatcherActivities>;

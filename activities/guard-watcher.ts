// The guard watcher: one long-running activity per exchange (workflow `guard-watch:<exchange>@<queue>`) that prices
// every watched symbol and wakes only the guards that must act.
//
// Design (why cost grows with symbols, not guards): each tick is ONE ticker request for all watched symbols of the
// exchange (bid = the price a sale gets). Every guard's threshold check is arithmetic in this process (observePrice):
// no activity, no workflow task, no Temporal action per tick per guard. A guard's workflow is signalled only when
// (a) its stop is crossed, (b) its next take-profit target is reached, or (c) its peak rose materially (MATERIAL_RATIO)
// above the peak the workflow holds, so the workflow's history stays small. Last price and the exact peak go to
// PostgreSQL in one batched statement per second (announced on `guard_changes` for the dashboard); that row is the
// peak's checkpoint. When the watcher restarts (worker killed, retried activity), each guard first recovers what
// happened while nobody watched from the exchange's 1m candles since its checkpoint (recoverFromCandles): the exact
// highs, and a stop crossed meanwhile. Changed rules and ladder progress are re-read from PostgreSQL every second, so edits
// reach the watcher without a restart.
//
// Workflows only for guards that act (issue 21, measured in docs/guards.md): a guard made by a batch
// (activities/guard-batch.ts) is only its row until its stop or target is crossed; then the stop signal starts its
// workflow with the row's state carried in (signalWithStart; a workflow that has ended is never started again), and from
// there on it is the same workflow a single create starts, owning its decisions and exits. So 10,000 watching guards
// cost Temporal and the worker nothing (no histories, no cached workflows, no starts at creation); only guards that
// act do. Peak signals go only to guards whose workflow runs. The API starts a batch-made guard's workflow the same
// way on its first edit or cancel (updateWithStart). Guards made one at a time keep their workflow from creation.
//
// Overload (domain/guard-signals.ts decides what goes out each tick): a signal is repeated while the guard still shows as
// watching (after 5 s, then twice as long each time up to a minute), so a lost signal cannot strand a crossed stop; the
// workflow ignores duplicates (it acts on its own state). A failed signal is not sent again next tick but after its
// guard's own backoff (1 s, doubling to 30 s), with one signal in flight per guard and 64 per exchange, so a struggling
// Temporal gets fewer signals, not a storm that feeds itself. Stops and targets go first; peak signals (they only keep
// the workflow's peak current: every stop and target carries the peak it was judged against, and the checkpoint in
// PostgreSQL holds it) are capped at 10 a second and shed while stops wait or a signal failed lately. A guard whose stop
// or target has been wanted for 2 s without being taken is written `lagging` (the API shows it) until it acts.
import { Context, log } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { databaseNow, recordGuardPrices, watchedGuards, type WatchedGuardRow } from '../db/guards.js';
import type { Db } from '../db/pool.js';
import type { ExchangeProfile } from '../domain/exchanges.js';
import { observePrice, recoverFromCandles, type WatchEvent, type WatchedPosition } from '../domain/guard-math.js';
import { createSignalDispatch, type SignalStats } from '../domain/guard-signals.js';
import { guardTaskQueue, guardWatchWorkflowId, guardWorkflowId } from '../domain/workflow-ids.js';
import { GuardStateKey, GuardSymbolKey, UserIdKey } from '../temporal/search-attributes.js';
import { carriedState, type GuardWorkflowInput } from '../workflows/guard-messages.js';
import { createExchangeClient } from './exchange-client.js';

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
const MINUTE = 60_000;

interface Watched extends WatchedPosition {
  row: WatchedGuardRow;
  acknowledgedPeak: number;
  recovered: boolean;
  price: number | null;
  priceAt: number;
  dirty: boolean;
  /** Since when it lags (ms), as last written. */
  laggingSince: number | null;
  /** Whether the guard's workflow runs: `none` for a batch-made guard that has not had to act yet (it gets no peaks). */
  workflow: 'unknown' | 'running' | 'none';
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
        const rows = await watchedGuards(deps.db, input.exchangeId, deps.taskQueue, full ? undefined : since!);
        since = stamp;
        if (full) {
          fullAt = Date.now();
          const ids = new Set(rows.map((r) => r.id));
          for (const id of watched.keys()) if (!ids.has(id)) forget(id);
        }
        for (const row of rows) {
          if (row.state !== 'watching') {
            forget(row.id);
            continue;
          }
          const known = watched.get(row.id);
          if (known) {
            Object.assign(known, { row, rules: row.rules, nextTarget: row.nextTarget, breakEven: row.breakEven, entryPrice: row.entryPrice });
            if (row.peak > known.peak) Object.assign(known, { peak: row.peak, peakAt: Date.parse(row.peakAt) });
          } else {
            const peakAt = Date.parse(row.peakAt);
            watched.set(row.id, {
              row, entryPrice: row.entryPrice, rules: row.rules, nextTarget: row.nextTarget, breakEven: row.breakEven,
              peak: row.peak, peakAt, acknowledgedPeak: row.peak, recovered: false, price: null, priceAt: 0, dirty: false, laggingSince: null,
              workflow: 'unknown', missedStopAt: null,
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
            if (r.peak > g.peak) Object.assign(g, { peak: r.peak, peakAt: r.peakAt, dirty: true });
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
              const seen = observePrice(g, bid, now, g.acknowledgedPeak, MATERIAL_RATIO);
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
              if (since !== g.laggingSince) Object.assign(g, { laggingSince: since, dirty: true });
            }
            progress.lagging = lagging;
          }
          if (Date.now() - writtenAt >= WRITE_MS) {
            const dirty = [...watched.values()].filter((g) => g.dirty && g.price !== null);
            await recordGuardPrices(deps.db, dirty.map((g) => ({
              id: g.row.id, price: g.price!, at: new Date(g.priceAt).toISOString(), peak: g.peak, peakAt: new Date(g.peakAt).toISOString(),
              laggingSince: g.laggingSince === null ? null : new Date(g.laggingSince).toISOString(),
            })));
            for (const g of dirty) g.dirty = false;
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

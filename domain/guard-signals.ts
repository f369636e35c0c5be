// Which of the guard watcher's signals go out now, so an overloaded Temporal slows the guards down instead of being
// flooded: stops and targets before peaks, at most one signal in flight per guard and a bounded number in all, a
// failed signal sent again only after its guard's own backoff, and peak updates shed first when signals are congested.
// Pure (time is passed in): activities/guard-watcher.ts drives it, domain/guard-signals.test.ts pins it down.
import type { WatchEvent } from './guard-math.js';

export interface SignalPolicy {
  /** Signals in flight for the whole exchange at most. */
  maxInFlight: number;
  /** A delivered stop or target is sent again after this while its guard still watches, then twice as long each time. */
  resendMs: number;
  maxResendMs: number;
  /** A failed signal waits this long before its guard's next try, then twice as long after each failure in a row. */
  retryMs: number;
  maxRetryMs: number;
  /** A guard hears of its rising peak at most this often. */
  peakIntervalMs: number;
  /** Peak signals a second at most (a rally must not queue ahead of the stops that follow it). */
  peaksPerSecond: number;
  /** Peaks go out only while fewer than this many signals are in flight and no signal failed for `calmMs`. */
  peakMaxInFlight: number;
  calmMs: number;
  /** A stop or target wanted this long while its guard still watches makes the guard `lagging`. */
  laggingMs: number;
}

export const DEFAULT_SIGNAL_POLICY: SignalPolicy = {
  maxInFlight: 64, resendMs: 5000, maxResendMs: 60_000, retryMs: 1000, maxRetryMs: 30_000,
  peakIntervalMs: 30_000, peaksPerSecond: 10, peakMaxInFlight: 16, calmMs: 5000, laggingMs: 2000,
};

export interface SignalStats {
  sent: number;
  failed: number;
  /** Peak updates dropped because signals were congested (the peak's checkpoint in PostgreSQL still holds it). */
  shedPeaks: number;
}

interface GuardSignals {
  /** The stop or target the guard should act on, and since when it is wanted without a break. */
  action: { event: WatchEvent; since: number } | null;
  peak: WatchEvent | null;
  inFlight: boolean;
  /** Failures in a row, and when the next try may go. */
  failures: number;
  retryAt: number;
  /** Per event key: when it was last delivered, and how often. */
  delivered: Map<string, { at: number; times: number }>;
}

export const signalKey = (e: WatchEvent): string => (e.kind === 'target' ? `target:${e.index}` : e.kind);

export function createSignalDispatch(policy: SignalPolicy = DEFAULT_SIGNAL_POLICY) {
  const guards = new Map<string, GuardSignals>();
  /** Guards that want a signal (a stop, a target or a peak): what `take` looks at, instead of every guard. */
  const wanting = new Set<string>();
  const stats: SignalStats = { sent: 0, failed: 0, shedPeaks: 0 };
  let inFlight = 0;
  let lastFailureAt = -Infinity;
  let allowance = policy.peaksPerSecond;
  let allowanceAt: number | null = null;
  const of = (id: string): GuardSignals => {
    let g = guards.get(id);
    if (!g) guards.set(id, (g = { action: null, peak: null, inFlight: false, failures: 0, retryAt: -Infinity, delivered: new Map() }));
    return g;
  };
  const ready = (g: GuardSignals, event: WatchEvent, now: number, repeatMs: (times: number) => number): boolean => {
    if (g.inFlight || now < g.retryAt) return false;
    const last = g.delivered.get(signalKey(event));
    return !last || now - last.at >= repeatMs(last.times);
  };
  const resend = (times: number) => Math.min(policy.maxResendMs, policy.resendMs * 2 ** (times - 1));

  return {
    stats,
    inFlight: () => inFlight,
    /** What the latest price means for the guard: a stop or target to act on, a peak to report, or nothing. */
    observe(guardId: string, event: WatchEvent | null, now: number): void {
      const g = of(guardId);
      if (event && event.kind !== 'peak') {
        const same = g.action && signalKey(g.action.event) === signalKey(event);
        g.action = { event, since: same ? g.action!.since : now };
        g.peak = null;
      } else {
        g.action = null;
        g.peak = event;
      }
      if (event) wanting.add(guardId);
      else wanting.delete(guardId);
    },
    /** The signals to send now, stops and targets first (longest wanted first), then peaks while signals flow freely. */
    take(now: number): Array<{ guardId: string; event: WatchEvent }> {
      const out: Array<{ guardId: string; event: WatchEvent }> = [];
      const wanted = [...wanting].map((id) => [id, guards.get(id)!] as const);
      const actions = wanted.filter(([, g]) => g.action && ready(g, g.action.event, now, resend)).sort(([, a], [, b]) => a.action!.since - b.action!.since);
      let waiting = 0;
      for (const [guardId, g] of actions) {
        if (inFlight >= policy.maxInFlight) {
          waiting++;
          continue;
        }
        out.push({ guardId, event: g.action!.event });
        g.inFlight = true;
        inFlight++;
      }
      allowance = Math.min(policy.peaksPerSecond, allowance + ((now - (allowanceAt ?? now)) / 1000) * policy.peaksPerSecond);
      allowanceAt = now;
      const calm = waiting === 0 && now - lastFailureAt >= policy.calmMs;
      for (const [guardId, g] of wanted) {
        if (!g.peak) continue;
        const event = g.peak;
        g.peak = null; // taken or shed: the next price that still means a peak wants it again
        wanting.delete(guardId);
        if (!ready(g, event, now, () => policy.peakIntervalMs)) continue;
        if (!calm || inFlight >= policy.peakMaxInFlight || allowance < 1) {
          stats.shedPeaks++;
          continue;
        }
        allowance -= 1;
        out.push({ guardId, event });
        g.inFlight = true;
        inFlight++;
      }
      return out;
    },
    /** The outcome of a signal `take` handed out. */
    done(guardId: string, event: WatchEvent, ok: boolean, now: number): void {
      inFlight--;
      const g = guards.get(guardId);
      if (!g) return;
      g.inFlight = false;
      if (ok) {
        stats.sent++;
        g.failures = 0;
        g.retryAt = -Infinity;
        const last = g.delivered.get(signalKey(event));
        g.delivered.set(signalKey(event), { at: now, times: (last?.times ?? 0) + 1 });
      } else {
        stats.failed++;
        lastFailureAt = now;
        g.failures++;
        g.retryAt = now + Math.min(policy.maxRetryMs, policy.retryMs * 2 ** (g.failures - 1));
      }
    },
    /** The guard is no longer watched (it exited, was cancelled, or its workflow is gone). */
    forget(guardId: string): void {
      guards.delete(guardId);
      wanting.delete(guardId);
    },
    /** Since when the guard lags: a stop or target wanted for `laggingMs` that it has not taken yet; null when it does not. */
    laggingSince(guardId: string, now: number): number | null {
      const action = guards.get(guardId)?.action;
      return action && now - action.since >= policy.laggingMs ? action.since : null;
    },
  };
}

export type SignalDispatch = ReturnType<typeof createSignalDispatch>;

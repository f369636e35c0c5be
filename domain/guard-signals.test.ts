import { describe, expect, it } from 'vitest';
import type { WatchEvent } from './guard-math.js';
import { createSignalDispatch, DEFAULT_SIGNAL_POLICY } from './guard-signals.js';

const stop = (price = 90): WatchEvent => ({ kind: 'stop', price, peak: 100, stop: 95, at: 0 });
const peak = (p = 110): WatchEvent => ({ kind: 'peak', peak: p, at: 0 });
const ids = (taken: Array<{ guardId: string }>) => taken.map((t) => t.guardId);

describe('the guard watcher\'s signal dispatch', () => {
  it('backs a failing guard off, twice as long after each failure up to a bound, and never gives its stop up', () => {
    const d = createSignalDispatch();
    const tries: number[] = [];
    // Ten minutes of 250 ms ticks against a Temporal that refuses every signal.
    for (let now = 0; now <= 600_000; now += 250) {
      d.observe('a', stop(), now);
      for (const t of d.take(now)) {
        tries.push(now);
        d.done(t.guardId, t.event, false, now);
      }
    }
    const gaps = tries.slice(1).map((t, i) => t - tries[i]!);
    expect(gaps.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(DEFAULT_SIGNAL_POLICY.maxRetryMs + 250);
    expect(tries.length).toBeLessThan(30); // instead of 2,400 at one try a tick
    expect(tries.at(-1)).toBeGreaterThan(570_000); // still trying at the end
  });

  it('keeps one signal in flight per guard, and delivers again only after the resend delay while the guard still watches', () => {
    const d = createSignalDispatch();
    d.observe('a', stop(), 0);
    const [first] = d.take(0);
    expect(first?.event.kind).toBe('stop');
    d.observe('a', stop(), 250);
    expect(d.take(250)).toEqual([]); // in flight
    d.done('a', first!.event, true, 300);
    d.observe('a', stop(), 4000);
    expect(d.take(4000)).toEqual([]);
    d.observe('a', stop(), 5300);
    expect(ids(d.take(5300))).toEqual(['a']);
  });

  it('sends stops before peaks, longest wanted first, and sheds peaks while signals are congested', () => {
    const d = createSignalDispatch({ ...DEFAULT_SIGNAL_POLICY, maxInFlight: 3 });
    d.observe('late', stop(), 100);
    d.observe('early', stop(), 0);
    for (const id of ['p1', 'p2']) d.observe(id, peak(), 100);
    d.observe('late2', stop(), 100);
    d.observe('late3', stop(), 100);
    const taken = d.take(100);
    expect(ids(taken)).toEqual(['early', 'late', 'late2']); // the bound of 3 in flight; no peak while a stop waits
    expect(d.stats.shedPeaks).toBe(2);
    // The stops settle; the peaks are wanted again and now go.
    for (const t of taken) d.done(t.guardId, t.event, true, 200);
    for (const id of ['p1', 'p2']) d.observe(id, peak(), 300);
    d.observe('late3', stop(), 300);
    expect(ids(d.take(300))).toEqual(['late3', 'p1', 'p2']);
  });

  it('sheds peaks for a while after a failed signal, but not stops', () => {
    const d = createSignalDispatch();
    d.observe('a', stop(), 0);
    const [t] = d.take(0);
    d.done('a', t!.event, false, 10);
    d.observe('b', stop(), 20);
    d.observe('p', peak(), 20);
    expect(ids(d.take(20))).toEqual(['b']);
    expect(d.stats).toMatchObject({ failed: 1, shedPeaks: 1 });
    d.observe('p', peak(), 6000);
    expect(ids(d.take(6000))).toContain('p');
  });

  it('calls a guard lagging once its stop has been wanted for two seconds, and no longer when the price comes back', () => {
    const d = createSignalDispatch();
    d.observe('a', stop(), 0);
    d.take(0);
    d.observe('a', stop(89), 1500);
    expect(d.laggingSince('a', 1500)).toBeNull();
    d.observe('a', stop(88), 2100);
    expect(d.laggingSince('a', 2100)).toBe(0);
    d.observe('a', null, 2400);
    expect(d.laggingSince('a', 2400)).toBeNull();
    d.observe('a', stop(), 2500);
    d.forget('a');
    expect(d.laggingSince('a', 9000)).toBeNull();
  });
});

// FreqTrade's pair locks for one bot: after a trade closes its pair is locked until the next candle ("Auto lock"), so the
// signal that is still on the last candle does not reopen it at once; /locks also adds and deletes locks by hand.
import { formatDate } from './log.js';

export interface PairLock {
  id: number;
  pair: string;
  lockTime: Date;
  lockEnd: Date;
  reason: string;
  /** FreqTrade's lock side: '*' (both, the default), 'long' or 'short'; absent in older saved states. */
  side?: string;
}

export class PairLocks {
  private locks: PairLock[] = [];
  private nextId = 1;

  constructor(private readonly timeframeMs: number) {}

  /** FreqTrade's timeframe_to_next_date: the next candle boundary strictly after `t`. */
  nextCandle(t: number): number {
    return Math.floor(t / this.timeframeMs) * this.timeframeMs + this.timeframeMs;
  }

  /** Locks a pair until the candle boundary after `until` (lock_pair rounds the end up to the next candle). */
  lock(pair: string, now: number, until: number, reason: string, side = '*'): PairLock {
    const lock = { id: this.nextId++, pair, lockTime: new Date(now), lockEnd: new Date(this.nextCandle(until)), reason, side };
    this.locks.push(lock);
    return lock;
  }

  /** DELETE /locks/{id} and POST /locks/delete: ends the lock with that id, or every lock of that pair. */
  remove(match: { id?: number; pair?: string }): number {
    const before = this.locks.length;
    this.locks = this.locks.filter((l) => !((match.id !== undefined && l.id === match.id) || (match.pair !== undefined && l.pair === match.pair)));
    return before - this.locks.length;
  }

  /**
   * is_pair_locked(pair, candle_date): a lock counts until the candle after the one the signal came from,
   * so a lock ending at 14:05 blocks a signal of the 14:00 candle even when it is read at 14:05:02.
   */
  isLocked(pair: string, signalCandleTime: number): boolean {
    const at = this.nextCandle(signalCandleTime);
    // Spot bots only enter long: a lock of the short side does not block them.
    return this.locks.some((l) => l.pair === pair && l.side !== 'short' && l.lockEnd.getTime() > at);
  }

  /** Every lock and the next id, for a saved bot state. */
  snapshot(): { nextId: number; locks: PairLock[] } {
    return { nextId: this.nextId, locks: [...this.locks] };
  }

  restore(saved: { nextId: number; locks: readonly PairLock[] }): void {
    this.locks = [...saved.locks];
    this.nextId = Math.max(saved.nextId, ...saved.locks.map((l) => l.id + 1), 1);
  }

  /** Active locks (ending after now), dropping the expired ones. */
  active(now: number): PairLock[] {
    this.locks = this.locks.filter((l) => l.lockEnd.getTime() > now);
    return [...this.locks];
  }
}

/** GET /locks as FreqTrade's Locks schema. */
export function locksJson(locks: readonly PairLock[]) {
  return {
    lock_count: locks.length,
    locks: locks.map((l) => ({
      id: l.id,
      pair: l.pair,
      lock_time: formatDate(l.lockTime),
      lock_timestamp: l.lockTime.getTime(),
      lock_end_time: formatDate(l.lockEnd),
      lock_end_timestamp: l.lockEnd.getTime(),
      reason: l.reason,
      side: l.side ?? '*',
      active: true,
    })),
  };
}

import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, type BotSnapshot } from './bot-snapshot.js';
import { PairBlacklist } from './pair-blacklist.js';
import { PairLocks } from './pair-locks.js';

const MARKETS = ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'BNB/BTC'];

describe('PairBlacklist', () => {
  it('blocks listed pairs and FreqTrade wildcards, expanded over the available pairs', () => {
    const list = new PairBlacklist();
    expect(list.add(['ETH/USDT', 'BNB/.*'])).toEqual({});
    expect(list.blocks('ETH/USDT')).toBe(true);
    expect(list.blocks('bnb/btc')).toBe(true);
    expect(list.blocks('BTC/USDT')).toBe(false);
    expect(list.answer(MARKETS)).toEqual({
      blacklist: ['ETH/USDT', 'BNB/.*'], blacklist_expanded: ['ETH/USDT', 'BNB/USDT', 'BNB/BTC'], errors: {}, length: 2, method: ['StaticPairList'],
    });
  });

  it("names each pair it refuses in FreqTrade's words and changes nothing for it", () => {
    const list = new PairBlacklist(['ETH/USDT']);
    expect(list.add(['ETH/USDT', '(', 'SOL/USDT'])).toEqual({
      'ETH/USDT': { error_msg: 'Pair ETH/USDT already in pairlist.' },
      '(': { error_msg: 'Pair ( is not a valid wildcard.' },
    });
    expect(list.list()).toEqual(['ETH/USDT', 'SOL/USDT']);
    expect(list.remove(['XRP/USDT', 'ETH/USDT'])).toEqual({ 'XRP/USDT': { error_msg: 'Pair XRP/USDT is not in the current blacklist.' } });
    expect(list.list()).toEqual(['SOL/USDT']);
  });
});

describe('a saved bot state', () => {
  const base: BotSnapshot = { dryRun: true, state: 'running', botStart: null, lastTradeId: 0, trades: [], locks: [], nextLockId: 1, pendingOrders: [] };

  it('keeps the blacklist and each lock side, and reads a file written before either existed', () => {
    const locks = new PairLocks(60_000);
    locks.lock('BTC/USDT', 0, 120_000, 'manual', '*');
    const text = encodeSnapshot('b1', { ...base, blacklist: ['ETH/USDT'], locks: locks.snapshot().locks, nextLockId: 2 });
    const back = decodeSnapshot(text, 'b1');
    expect(back.blacklist).toEqual(['ETH/USDT']);
    expect(back.locks[0]).toMatchObject({ pair: 'BTC/USDT', side: '*', reason: 'manual' });
    const old = decodeSnapshot(encodeSnapshot('b1', base), 'b1');
    expect(old.blacklist).toBeUndefined();
    expect(() => decodeSnapshot(text.replace('"blacklist":["ETH/USDT"]', '"blacklist":[1]'), 'b1')).toThrow(/blacklist\.0/);
  });

  it('ends a lock by id or by pair; a short-side lock does not block a long entry', () => {
    const locks = new PairLocks(60_000);
    locks.lock('BTC/USDT', 0, 600_000, 'a');
    locks.lock('ETH/USDT', 0, 600_000, 'b', 'short');
    expect(locks.isLocked('BTC/USDT', 0)).toBe(true);
    expect(locks.isLocked('ETH/USDT', 0)).toBe(false);
    expect(locks.remove({ id: 1 })).toBe(1);
    expect(locks.remove({ pair: 'ETH/USDT' })).toBe(1);
    expect(locks.active(0)).toEqual([]);
  });
});

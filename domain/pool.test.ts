import { describe, expect, it } from 'vitest';
import {
  CONTAINER_BASE_MB,
  botSizeMb,
  checkPoolSettings,
  chooseContainer,
  chooseHost,
  countRemovable,
  decideScaling,
  defaultPoolSettings,
  planReconcile,
  type PoolContainer,
  type PoolState,
} from './pool.js';

const container = (key: string, bots: number, extra: Partial<PoolContainer> = {}): PoolContainer => ({
  key, host: 'a', status: 'ready', liveMb: null, removableCycles: 0,
  bots: Object.fromEntries(Array.from({ length: bots }, (_, i) => [`${key}-b${i}`, 10])), ...extra,
});
const pool = (containers: PoolContainer[], settings: Partial<PoolState['settings']> = {}): PoolState => ({
  poolId: 'p', seq: containers.length, containers,
  settings: { ...defaultPoolSettings('a'), maxBotsPerContainer: 10, headroom: 2, containerMemoryMb: 512, ...settings },
});

describe('pool settings', () => {
  it('merges a valid change and names the field of a bad one', () => {
    const current = defaultPoolSettings('a');
    expect(checkPoolSettings(current, { headroom: 3, hosts: ['a', 'b'] })).toEqual({ ok: true, settings: { ...current, headroom: 3, hosts: ['a', 'b'] } });
    expect(checkPoolSettings(current, { headroom: -1 })).toMatchObject({ ok: false, field: 'headroom' });
    expect(checkPoolSettings(current, { maxBotsPerContainer: 1.5 })).toMatchObject({ ok: false, field: 'maxBotsPerContainer', message: 'must be a whole number' });
    expect(checkPoolSettings(current, { hosts: [] })).toMatchObject({ ok: false, field: 'hosts' });
    expect(checkPoolSettings(current, { hosts: ['ok', 'Bad Host'] })).toMatchObject({ ok: false, field: 'hosts.1' });
    expect(checkPoolSettings(current, { colour: 'red' })).toMatchObject({ ok: false, field: 'colour', message: 'is not a pool setting' });
    expect(checkPoolSettings(current, { minContainers: 5, maxContainers: 4 })).toMatchObject({ ok: false, field: 'minContainers' });
    expect(checkPoolSettings(current, 'x')).toMatchObject({ ok: false });
  });
});

describe('bin packing', () => {
  it('puts a bot in the fullest container that still fits, ready before starting', () => {
    const state = pool([container('c1', 3), container('c2', 7), container('c3', 10), container('c4', 8, { status: 'starting' })]);
    expect(chooseContainer(state, 10)?.key).toBe('c2');
    expect(chooseContainer(state, 10, ['c2'])?.key).toBe('c1');
  });

  it('respects declared memory and live memory', () => {
    const tight = pool([container('c1', 2)], { containerMemoryMb: CONTAINER_BASE_MB + 25 });
    expect(chooseContainer(tight, 5)?.key).toBe('c1');
    expect(chooseContainer(tight, 6)).toBeNull();
    const hot = pool([container('c1', 1, { liveMb: 470 })]);
    expect(chooseContainer(hot, 10)).toBeNull();
  });

  it('never places into draining or dead containers', () => {
    expect(chooseContainer(pool([container('c1', 0, { status: 'draining' }), container('c2', 0, { status: 'dead' })]), 5)).toBeNull();
  });

  it('spreads new containers over hosts', () => {
    const state = pool([container('c1', 1, { host: 'a' })], { hosts: ['a', 'b'] });
    expect(chooseHost(state)).toBe('b');
  });

  it('declares bigger bots for more pairs', () => {
    expect(botSizeMb(10)).toBeGreaterThan(botSizeMb(1));
  });
});

describe('scaling', () => {
  it('adds a container before the pool is full (headroom)', () => {
    expect(decideScaling(pool([container('c1', 9)]), 10)).toEqual({ kind: 'add', host: 'a' });
    expect(decideScaling(pool([container('c1', 7)]), 10)).toEqual({ kind: 'none' });
    expect(decideScaling(pool([]), 10)).toEqual({ kind: 'add', host: 'a' });
    expect(decideScaling(pool([container('c1', 9)], { maxContainers: 1 }), 10)).toEqual({ kind: 'none' });
  });

  it('scales down only after the hysteresis, and drains the emptiest container', () => {
    const state = pool([container('c1', 6), container('c2', 1)]);
    expect(decideScaling(state, 10)).toEqual({ kind: 'none' });
    countRemovable(state, 10);
    countRemovable(state, 10);
    expect(decideScaling(state, 10)).toEqual({ kind: 'none' });
    countRemovable(state, 10);
    expect(decideScaling(state, 10)).toEqual({ kind: 'drain', key: 'c2' });
  });

  it('keeps a container whose bots would not leave the headroom', () => {
    const state = pool([container('c1', 8), container('c2', 1)]);
    for (let i = 0; i < 5; i++) countRemovable(state, 10);
    expect(decideScaling(state, 10)).toEqual({ kind: 'none' });
  });

  it('removes a drained container and honours minContainers', () => {
    expect(decideScaling(pool([container('c1', 2), container('c2', 0, { status: 'draining' })]), 10)).toEqual({ kind: 'remove', key: 'c2' });
    const min = pool([container('c1', 0, { removableCycles: 9 })], { minContainers: 1, headroom: 0 });
    expect(decideScaling(min, 10)).toEqual({ kind: 'none' });
  });
});

describe('reconcile', () => {
  it('finds dead containers, strays to adopt and orphans to remove, only on hosts that answered', () => {
    const state = pool([container('c1', 1), container('c2', 1), container('c3', 1, { host: 'b' }), container('c4', 0, { status: 'starting' })]);
    const plan = planReconcile(
      state,
      [
        { key: 'c1', host: 'a', running: true, memoryMb: 60 },
        { key: 'c2', host: 'a', running: false, memoryMb: null },
        { key: 'c9', host: 'a', running: true, memoryMb: 50 },
        { key: 'c8', host: 'a', running: false, memoryMb: null },
      ],
      ['a'],
    );
    expect(plan.dead).toEqual(['c2']);
    expect(plan.adopt.map((o) => o.key)).toEqual(['c9']);
    expect(plan.orphans.map((o) => o.key)).toEqual(['c8']);
  });
});

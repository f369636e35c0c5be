// Which pool a bot goes to and what it declares there: pure decisions, tested directly.
import { describe, expect, it } from 'vitest';
import { defaultFreqtradePoolSettings, describePoolExit, exitHasLogReason, FREQTRADE_POOLED_BOT_MB, freqtradePoolId, isFreqtradePool, placementSizeMb } from './freqtrade-pool.js';
import { checkPoolSettings, containerCapacity, defaultPoolSettings } from './pool.js';
import { readConfig } from './config.js';

describe('FreqTrade pools', () => {
  it('are the deployment pool with a suffix, and only those ids say FreqTrade', () => {
    expect(freqtradePoolId('default')).toBe('default-freqtrade');
    expect(isFreqtradePool('default-freqtrade')).toBe(true);
    expect(isFreqtradePool('default')).toBe(false);
    expect(isFreqtradePool('freqtrade-pool')).toBe(false);
    // So a deployment pool's own id may not end like one.
    expect(() => readConfig({ BOT_POOL_ID: 'x-freqtrade' })).toThrow(/BOT_POOL_ID/);
  });

  it('size FreqTrade bots by the measured figure and builtin bots by their pairs', () => {
    expect(placementSizeMb('freqtrade', 1)).toBe(FREQTRADE_POOLED_BOT_MB);
    expect(placementSizeMb('freqtrade', 2)).toBe(FREQTRADE_POOLED_BOT_MB);
    expect(placementSizeMb('freqtrade', 10)).toBe(FREQTRADE_POOLED_BOT_MB + 16);
    expect(placementSizeMb('builtin', 10)).toBe(9);
  });

  it('start with settings the pool accepts: 50 two-pair bots a container, no container kept ready', () => {
    const settings = defaultFreqtradePoolSettings('local', ['a', 'b']);
    expect(checkPoolSettings(settings, {})).toEqual({ ok: true, settings });
    expect(settings).toMatchObject({ headroom: 0, maxBotsPerContainer: 50, hosts: ['a', 'b'] });
    expect(containerCapacity(settings, placementSizeMb('freqtrade', 2))).toBe(50);
    expect(defaultFreqtradePoolSettings('local').hosts).toEqual(defaultPoolSettings('local').hosts);
  });
});

describe('describePoolExit', () => {
  const at = Date.parse('2026-12-06T21:00:00Z') / 1000;
  it("says what ended a pooled bot's process, when, and FreqTrade's error line", () => {
    expect(describePoolExit({ at, code: 2, reason: 'exited' }, 'Impossible to load Strategy')).toBe('exited with code 2 at 2026-12-06T21:00:00.000Z: Impossible to load Strategy');
    expect(describePoolExit({ at, code: -9, reason: 'signal 9' }, null)).toBe('ended by signal 9 at 2026-12-06T21:00:00.000Z');
    expect(describePoolExit({ at, code: -9, reason: 'memory' }, null)).toMatch(/^restarted by its pool: over its private-memory budget/);
    expect(describePoolExit({ at, code: -9, reason: 'hung' }, null)).toMatch(/^restarted by its pool: its API stopped answering/);
  });

  it("reads FreqTrade's log only for an exit of its own with an error code, or a failed sandbox", () => {
    expect([
      { at, code: 1, reason: 'exited' }, { at, code: 0, reason: 'exited' }, { at, code: -9, reason: 'signal 9' }, { at, code: 70, reason: 'sandbox' },
    ].map(exitHasLogReason)).toEqual([true, false, false, true]);
  });
});

// The reconciler's decisions, without any service: which bots it restarts, and when.
import { describe, expect, it } from 'vitest';
import { planRepairs, STUCK_STARTING_MS, UNREACHABLE_GRACE_MS, type BotSighting } from './fleet-reconcile.js';

const now = Date.parse('2026-12-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const sighting = (over: Partial<BotSighting>): BotSighting => ({ botId: 'b1', status: 'running', updatedAt: ago(600_000), unreachableSince: null, answers: true, ...over });

describe('planRepairs', () => {
  it('leaves a bot that answers alone, whatever its row says', () => {
    expect(planRepairs([sighting({}), sighting({ status: 'starting', answers: true })], now)).toEqual([]);
  });

  it('restarts a running bot only once its API has not answered for the grace period', () => {
    expect(planRepairs([sighting({ answers: false, unreachableSince: ago(UNREACHABLE_GRACE_MS - 1) })], now)).toEqual([]);
    expect(planRepairs([sighting({ answers: false, unreachableSince: ago(UNREACHABLE_GRACE_MS) })], now)).toEqual([
      { botId: 'b1', kind: 'restart', reason: `unreachable since ${ago(UNREACHABLE_GRACE_MS)}` },
    ]);
    // With a pass every 10 s, a bot that dies right after a pass is seen at most 10 s later and repaired 10 s after that.
    expect(UNREACHABLE_GRACE_MS + 10_000).toBeLessThan(30_000);
  });

  it('starts again a bot left `starting` by a crash, not one whose start is under way', () => {
    expect(planRepairs([sighting({ status: 'starting', answers: false, updatedAt: ago(5_000) })], now)).toEqual([]);
    expect(planRepairs([sighting({ status: 'starting', answers: false, updatedAt: ago(STUCK_STARTING_MS) })], now)).toHaveLength(1);
  });

  it('never touches stopped, failed or provisioning bots', () => {
    const old = { answers: false, unreachableSince: ago(600_000), updatedAt: ago(600_000) };
    expect(planRepairs(['stopped', 'failed', 'provisioning', 'deleting'].map((status) => sighting({ ...old, status })), now)).toEqual([]);
  });
});

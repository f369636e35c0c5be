// The reconciler's decisions, without any service: which bots it restarts and when, and which Docker leftovers it removes.
import { describe, expect, it } from 'vitest';
import {
  ORPHAN_MIN_AGE_MS,
  pickOrphans,
  planRepairs,
  STAND_IN_MIN_AGE_MS,
  STUCK_STARTING_MS,
  UNREACHABLE_GRACE_MS,
  type BotSighting,
  type DockerThing,
  type SweepFacts,
} from './fleet-reconcile.js';

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

describe('pickOrphans', () => {
  const facts: SweepFacts = {
    poolId: 'p1', bots: new Set(['live-bot']), users: new Set(['u1']), poolKeys: new Set(['p1-c1']), poolContainers: new Set(['p1-c1', 'p1-c2']),
  };
  const thing = (over: Partial<DockerThing>): DockerThing => ({ kind: 'container', id: 'x', name: 'x', labels: {}, createdAt: now - 600_000, ...over });
  const bot = (botId: string, userId = 'u1') => ({ 'tradefleet.managed': 'true', 'tradefleet.bot': botId, 'tradefleet.user': userId });

  it("removes a bot's container and volume once its row is gone, not before the minute a provisioning may need", () => {
    const dead = thing({ labels: bot('gone-bot') });
    const volume = thing({ kind: 'volume', name: 'tf-bot-gone-bot', labels: bot('gone-bot') });
    const young = thing({ labels: bot('gone-bot'), createdAt: now - ORPHAN_MIN_AGE_MS + 1 });
    expect(pickOrphans([dead, volume, young, thing({ labels: bot('live-bot') })], facts, now).map((o) => o.kind)).toEqual(['container', 'volume']);
  });

  it("never touches another deployment's things: a user this database does not have, or another pool", () => {
    const others = [
      thing({ labels: bot('gone-bot', 'someone-else') }),
      thing({ kind: 'volume', name: 'tf-pool-p2-c9-state' }),
      thing({ labels: { 'tradefleet.pool-state-of': 'p2-c9' }, createdAt: now - STAND_IN_MIN_AGE_MS }),
    ];
    expect(pickOrphans(others, facts, now)).toEqual([]);
  });

  it('removes a state volume no container and no scaler state names, and a stand-in a crash left', () => {
    const kept = [thing({ kind: 'volume', name: 'tf-pool-p1-c1-state' }), thing({ kind: 'volume', name: 'tf-pool-p1-c2-state' })];
    const lost = thing({ kind: 'volume', name: 'tf-pool-p1-c3-state' });
    const standIn = thing({ labels: { 'tradefleet.pool-state-of': 'p1-c3' }, createdAt: now - STAND_IN_MIN_AGE_MS });
    const busyStandIn = thing({ labels: { 'tradefleet.pool-state-of': 'p1-c3' }, createdAt: now - 10_000 });
    expect(pickOrphans([...kept, lost, standIn, busyStandIn], facts, now).map((o) => o.name)).toEqual(['tf-pool-p1-c3-state', 'x']);
  });

  it("does the same for the FreqTrade pool's state volumes and stand-ins, and leaves another deployment's alone", () => {
    const withFreqtrade: SweepFacts = { ...facts, poolKeys: new Set(['p1-c1', 'p1-freqtrade-c1']), poolContainers: new Set(['p1-freqtrade-c2']) };
    const kept = [thing({ kind: 'volume', name: 'tf-ftpool-p1-freqtrade-c1' }), thing({ kind: 'volume', name: 'tf-ftpool-p1-freqtrade-c2' })];
    const lost = thing({ kind: 'volume', name: 'tf-ftpool-p1-freqtrade-c3' });
    const standIn = thing({ name: 'stand-in', labels: { 'tradefleet.pool-state-of': 'p1-freqtrade-c3' }, createdAt: now - STAND_IN_MIN_AGE_MS });
    const others = [thing({ kind: 'volume', name: 'tf-ftpool-p2-freqtrade-c1' }), thing({ labels: { 'tradefleet.pool-state-of': 'p2-freqtrade-c1' }, createdAt: now - STAND_IN_MIN_AGE_MS })];
    expect(pickOrphans([...kept, lost, standIn, ...others], withFreqtrade, now).map((o) => o.name)).toEqual(['tf-ftpool-p1-freqtrade-c3', 'stand-in']);
  });
});

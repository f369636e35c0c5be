// Guard workflow logic on the real Temporal server with small fake activities, driven by scripted watcher signals:
// exactly one exit for racing triggers and retried exits, the ladder's fractions, edits validated before they count.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { GuardRules } from '../domain/guard.js';
import type { WatchEvent } from '../domain/guard-math.js';
import { guardWorkflowId } from '../domain/workflow-ids.js';
import { fakeGuardActivities as fakes, type GuardFakeLog as Log } from '../test/fake-guard-activities.js';
import { useWorkflowTestEnv } from '../test/workflow-env.js';
import { cancelGuard, createGuard, editGuard, guardPrice, guardState, guardWorkflow } from './guard.js';

// The guard worker's own bundle: what production runs guards in.
const env = useWorkflowTestEnv({ server: 'shared', workflows: 'guards' });

async function withGuard(
  rules: GuardRules,
  test: (h: WorkflowHandle<typeof guardWorkflow>, log: Log) => Promise<void>,
  opts: { failFirstExitAttempt?: boolean } = {},
): Promise<Log> {
  const log: Log = { exits: [], attempts: 0, saved: [], events: [] };
  await env.withWorker(fakes(log, opts), async (taskQueue) => {
    const guardId = randomUUID();
    const h = await env.client.workflow.start(guardWorkflow, { workflowId: guardWorkflowId(guardId), taskQueue, args: [{ guardId, userId: 'u1' }] });
    await h.executeUpdate(createGuard, { args: [{ target: { kind: 'wallet', exchangeAccountId: randomUUID(), symbol: 'BTC/USDT', amount: 2, entryPrice: 100 }, ...rules }] });
    await test(h, log);
  });
  return log;
}

const stop = (price: number, peak: number): WatchEvent => ({ kind: 'stop', price, peak, stop: null, at: 0 });
const settled = async (h: WorkflowHandle<typeof guardWorkflow>, state: string) => {
  for (let i = 0; i < 100 && (await h.query(guardState)).state !== state; i++) await new Promise((r) => setTimeout(r, 100));
  return h.query(guardState);
};

describe('guard workflow', () => {
  it('exits exactly once when two triggers arrive at once, at the peak it was told', async () => {
    const log = await withGuard({ trail: { trailPct: 5 } }, async (h) => {
      await Promise.all([h.signal(guardPrice, stop(104, 110)), h.signal(guardPrice, stop(103.9, 110))]);
      const s = await settled(h, 'exited');
      expect(s).toMatchObject({ state: 'exited', remaining: 0, peak: 110 });
      await h.result();
    });
    expect(log.exits).toEqual([{ guardId: expect.any(String), step: 1, amount: 2, remainingBefore: 2, reason: 'trailing_stop', exiting: { peak: 110 } }]);
    expect(log.events).toEqual(['1:trailing_stop']);
    // The row is written twice: with the order (exiting), then with the event (exited).
    expect(log.saved).toEqual(['exiting', 'exited']);
  });

  it('a retried exit carries the same step, so the exchange sees one client order id', async () => {
    const log = await withGuard({ trail: { trailPct: 5 } }, async (h) => {
      await h.signal(guardPrice, stop(104, 110));
      await h.result();
    }, { failFirstExitAttempt: true });
    expect(log.attempts).toBe(2);
    expect(log.exits.map((e) => e.step)).toEqual([1]);
  });

  it('ignores a stop its own rules do not confirm (the trail was widened after the watcher looked)', async () => {
    await withGuard({ trail: { trailPct: 5 } }, async (h) => {
      await h.executeUpdate(editGuard, { args: [{ trail: { trailPct: 10 } }] });
      await h.signal(guardPrice, stop(104, 110)); // the 10 % trail's stop is 99
      expect((await h.query(guardState)).state).toBe('watching');
      await h.executeUpdate(cancelGuard, { args: [null] });
      await h.result();
    });
  });

  it('sells the ladder in fractions, ignores a repeated target, and completes', async () => {
    const rules: GuardRules = { takeProfit: { targets: [{ pct: 5, fraction: 0.5 }, { price: 110, fraction: 0.5 }], breakEvenAfterFirst: true } };
    const log = await withGuard(rules, async (h) => {
      const target = (index: number, price: number): WatchEvent => ({ kind: 'target', index, price, peak: price, at: 0 });
      await h.signal(guardPrice, target(0, 105.5));
      await h.signal(guardPrice, target(0, 105.6));
      for (let i = 0; i < 50 && (await h.query(guardState)).nextTarget < 1; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await h.query(guardState)).toMatchObject({ breakEven: true, remaining: 1, state: 'watching' });
      await h.signal(guardPrice, target(1, 109)); // below the target: the watcher was wrong, nothing sells
      await h.signal(guardPrice, target(1, 110.5));
      await h.result();
      expect(await h.query(guardState)).toMatchObject({ state: 'completed', remaining: 0 });
    });
    expect(log.exits.map((e) => [e.step, e.amount, e.reason])).toEqual([[1, 1, 'take_profit'], [2, 1, 'take_profit']]);
    expect(log.saved).toEqual(['exiting', 'watching', 'exiting', 'completed']);
  });

  it('rejects bad edits with the field and a reason, and changes nothing', async () => {
    const log = await withGuard({ trail: { trailPct: 5 }, takeProfit: { targets: [{ pct: 5, fraction: 0.5 }], breakEvenAfterFirst: false } }, async (h) => {
      const reject = (rules: unknown) => h.executeUpdate(editGuard, { args: [rules] }).then(() => null, (e: WorkflowUpdateFailedError) => (e.cause as Error | undefined)?.message ?? `${e.name}: ${e.message}`);
      expect(await reject({ trail: { trailPct: 0 } })).toMatch(/^trail\.trailPct: must be above 0 %/);
      expect(await reject({ trail: { trailPct: 100 } })).toMatch(/^trail\.trailPct: must be below 100 %/);
      expect(await reject({ takeProfit: { targets: [{ price: 120, fraction: 0.2 }, { price: 110, fraction: 0.2 }] } })).toMatch(/^takeProfit\.targets\.1\.price: targets must rise/);
      expect((await h.query(guardState)).rules.trail).toEqual({ trailPct: 5 });
      await h.executeUpdate(cancelGuard, { args: [null] });
      // A cancelled guard's workflow is over: a second cancel finds nothing to update (the API answers 409).
      expect(await h.executeUpdate(cancelGuard, { args: [null] }).catch((e: Error) => e.name)).toBe('WorkflowNotFoundError');
    });
    expect(log.events).toEqual([]); // no edit was recorded
    expect(log.saved).toEqual(['cancelled']);
  });
});

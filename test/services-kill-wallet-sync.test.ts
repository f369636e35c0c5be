// Fault: PostgreSQL alone, then the Temporal dev server alone, SIGKILLed and started again on the same data while a
// scheduled wallet sync is in flight (the exchange holds its balance call for 3 s). The balance changes while the
// service is down. After the restart the account's schedule exists and runs, a later sync records the new balance,
// and every wallet_snapshots row is the snapshot of exactly one completed sync run (a retried write would add a row
// no run reports). Real API, worker, PostgreSQL, Temporal and paper exchange.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql } from '../db/pool.js';
import { walletSyncScheduleId } from '../domain/workflow-ids.js';
import type { WalletSyncOutcome } from '../workflows/exchange-accounts.js';
import { ORIGIN, signedUpAgent, waitFor } from './platform.js';
import { KillableServices } from './service-kill.js';

const services = new KillableServices('svc-kill-sync-');
const INTERVAL_SECONDS = 10; // the shortest interval the API accepts

beforeAll(() => services.start('services-kill-sync'), 180_000);
afterAll(() => services.stop(), 120_000);

/** The taken_at of every snapshot row of the account, sorted. */
async function snapshotTimes(accountId: string): Promise<string[]> {
  const rows = await services.platform.db.anyFirst(sql.type(z.object({ takenAt: z.string() }))`
    select taken_at as "takenAt" from wallet_snapshots where account_id = ${accountId} order by taken_at`);
  return [...rows];
}

/** The takenAt of every completed run of the account's schedule that synced, sorted; null while a run still runs. */
async function syncedRunTimes(accountId: string): Promise<string[] | null> {
  const { temporal } = services.platform;
  const times: string[] = [];
  for await (const run of temporal.workflow.list({ query: `WorkflowType = 'walletSync'` })) {
    if (!run.workflowId.startsWith(`${walletSyncScheduleId(accountId)}-`)) continue;
    if (run.status.name === 'RUNNING') return null;
    if (run.status.name !== 'COMPLETED') continue;
    const outcome = await temporal.workflow.getHandle(run.workflowId, run.runId).result() as WalletSyncOutcome;
    if (outcome.outcome === 'synced') times.push(outcome.takenAt);
  }
  return times.sort();
}

describe('a control-plane service SIGKILLed while a scheduled wallet sync is in flight', () => {
  it.each(services.cases)('%s: the schedule keeps running, the new balance is recorded, one snapshot per sync', async (_name, killAndRestart) => {
    const { platform, exchange } = services;
    const user = await signedUpAgent(platform.app);
    const paper = exchange.createAccount({ balances: { USDT: '1000' } });
    const added = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
      .send({ exchangeId: 'paper', label: 'synced', apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: INTERVAL_SECONDS });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const id: string = added.body.account.id;
    const schedule = platform.temporal.schedule.getHandle(walletSyncScheduleId(id));
    const usdtAfter = (after: string, usdt: number) => waitFor(`a snapshot with USDT ${usdt} after ${after || 'nothing'}`, async () => {
      const { body } = await user.agent.get(`/api/exchange-accounts/${id}`);
      const total = body.snapshot?.balances.find((b: { asset: string }) => b.asset === 'USDT')?.total;
      return body.snapshot && body.snapshot.takenAt > after && total === usdt ? body : null;
    }, 60_000);
    await usdtAfter('', 1000);

    // The next scheduled run's balance call is held 3 s; the service dies 0.5 s after the run fires.
    exchange.injectFault({ kind: 'latency', latencyMs: 3000, count: 1, apiKey: paper.apiKey });
    const next = (await schedule.describe()).info.nextActionTimes[0]!;
    await new Promise((r) => setTimeout(r, Math.max(0, next.getTime() - Date.now()) + 500));
    await killAndRestart(() => exchange.setBalances(paper.apiKey, { USDT: '2345' }));
    const restartedAt = new Date().toISOString();

    const synced = await usdtAfter(restartedAt, 2345);
    expect(synced.account.status).toBe('active');
    const state = (await schedule.describe()).state;
    expect(state.paused, state.note).toBe(false);

    // Stop the schedule, let the last run finish, then match rows to runs.
    expect((await user.agent.post(`/api/exchange-accounts/${id}/pause`).set('Origin', ORIGIN)).status).toBe(200);
    const runs = await waitFor('every sync run closed', () => syncedRunTimes(id), 30_000);
    expect(runs.length).toBeGreaterThanOrEqual(2); // the first, and the one the kill cut (retried) or a later one
    expect(await snapshotTimes(id)).toEqual(runs);
  }, 240_000);
});

// Fault: during the backfill of a migration run on generated legacy data, PostgreSQL alone and later the Temporal dev
// server alone are SIGKILLed and started again on the same data, each while batches are in flight. The run still
// verifies every collection with exact counts, and the comparison against the source (by checksum) finds nothing lost,
// duplicated or different. The run's own PostgreSQL and Temporal; legacy data on the test FerretDB; a real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql } from '../db/pool.js';
import { waitFor } from './platform.js';
import { ALL_COLLECTIONS, api, compareCollection, runView, startMigrationHarness, waitForPhase, type MigrationHarness } from './migration-support.js';
import { KillableServices } from './service-kill.js';

const TRADES = 20_000;
const services = new KillableServices('svc-kill-mig-');
let h: MigrationHarness;

beforeAll(async () => {
  await services.startStores();
  const { postgres, temporal } = services;
  h = await startMigrationHarness({
    trades: TRADES,
    seed: 13,
    database: { url: postgres.url, ownerUrl: postgres.ownerUrl, drop: async () => {} }, // dropped with the cluster
    env: { TEMPORAL_ADDRESS: temporal.address },
  });
  h.startWorker();
}, 180_000);

afterAll(async () => {
  await h?.stop();
  await services.stop();
}, 120_000);

describe('a control-plane service SIGKILLed during a migration backfill', () => {
  it('PostgreSQL, then the Temporal dev server: the run verifies with exact counts, nothing lost or duplicated', async () => {
    const started = await api(h).post('', { batchSize: 500 });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const runId: string = started.body.run.id;
    const tradesCopied = async () => (await runView(h, runId)).collections.find((c) => c.collection === 'trades')!.copied;

    const killedAt: number[] = [];
    for (const [threshold, [, killAndRestart]] of [[2_000, services.cases[0]!], [9_000, services.cases[1]!]] as const) {
      await waitFor(`trades past ${threshold}`, async () => (await tradesCopied()) >= threshold, 180_000);
      await killAndRestart();
      killedAt.push(await waitFor('the run readable again', tradesCopied, 60_000));
    }
    const waiting = await waitForPhase(h, runId, ['awaiting_cutover'], 300_000);
    expect(killedAt.every((n) => n < TRADES), `killed at ${killedAt.join(', ')}`).toBe(true);
    for (const c of waiting.collections) {
      expect(c.state, c.collection).toBe('verified');
      expect(c.copied + c.quarantined, c.collection).toBe(c.sourceCount);
    }
    for (const c of ALL_COLLECTIONS) {
      const cmp = await compareCollection(h, runId, c);
      expect(cmp, c).toMatchObject({ lost: [], duplicated: 0, differing: [], unaccounted: [] });
      expect(cmp.rows + cmp.quarantined, c).toBe(cmp.source);
    }
    const trades = waiting.collections.find((c) => c.collection === 'trades')!;
    const tradeRows = await h.platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from bot_trades`);
    expect(tradeRows).toBe(trades.copied);
    expect(trades.copied + trades.quarantined).toBe(TRADES);
  }, 600_000);
});

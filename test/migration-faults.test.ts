// Fault: SIGKILL the worker mid-batch several times during the backfill; the retried activity resumes from its
// checkpoint and the result has zero lost and zero duplicated rows, by checksum against the source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql } from '../db/pool.js';
import { waitFor } from './platform.js';
import { ALL_COLLECTIONS, api, compareCollection, runView, startMigrationHarness, waitForPhase, type MigrationHarness } from './migration-support.js';

let h: MigrationHarness;

beforeAll(async () => {
  h = await startMigrationHarness({ trades: 30_000, seed: 11 });
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('worker killed during the backfill', () => {
  it('loses and duplicates nothing', async () => {
    h.startWorker();
    const started = await api(h).post('', { batchSize: 500, autoApprove: true });
    expect(started.status).toBe(201);
    const runId: string = started.body.run.id;
    const tradesCopied = async () => (await runView(h, runId)).collections.find((c) => c.collection === 'trades')!.copied;

    // Three kills at growing points of the trades' copy, each while a batch is in flight.
    const killedAt: number[] = [];
    for (const threshold of [1_000, 8_000, 16_000]) {
      await waitFor(`trades past ${threshold}`, async () => (await tradesCopied()) >= threshold, 180_000);
      await h.killWorkers();
      killedAt.push(await tradesCopied());
      h.startWorker();
    }
    const done = await waitForPhase(h, runId, ['done'], 300_000);
    expect(done.run.status).toBe('completed');
    expect(killedAt.every((n) => n < 30_000)).toBe(true);

    // The ranges are contiguous: every batch was committed exactly once in `_id` order.
    const ranges = await h.platform.db.any(sql.type(z.object({ seq: z.number(), firstId: z.string(), lastId: z.string() }))`
      select seq, first_id, last_id from migration_ranges where run_id = ${runId} and collection = 'trades' order by seq`);
    ranges.forEach((r, i) => {
      expect(r.seq).toBe(i);
      if (i > 0) expect(r.firstId > ranges[i - 1]!.lastId).toBe(true);
    });

    for (const c of ALL_COLLECTIONS) {
      const cmp = await compareCollection(h, runId, c, done.run.archivedAs![c]);
      expect(cmp, c).toMatchObject({ lost: [], duplicated: 0, differing: [], unaccounted: [] });
      expect(cmp.rows + cmp.quarantined, c).toBe(cmp.source);
    }
    const tradeRows = await h.platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from bot_trades`);
    const trades = done.collections.find((c) => c.collection === 'trades')!;
    expect(tradeRows).toBe(trades.copied);
    expect(trades.copied + trades.quarantined).toBe(30_000);
  }, 600_000);
});

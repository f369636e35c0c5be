// Operating a run: writes during the backfill land in both stores (dual-write), pause really stops the copy and resume
// continues it, abort leaves PostgreSQL consistent and says what was copied, and a new run then completes the job,
// re-copying the ranges that changed between their copy and the verification.
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { setBotStatus } from '../db/bots.js';
import { insertExchangeAccount } from '../db/exchange-accounts.js';
import { sql } from '../db/pool.js';
import { signedUpAgent, waitFor } from './platform.js';
import { ALL_COLLECTIONS, api, compareCollection, runView, startMigrationHarness, waitForPhase, type MigrationHarness } from './migration-support.js';

let h: MigrationHarness;

beforeAll(async () => {
  h = await startMigrationHarness({ trades: 20_000, seed: 23 });
  h.startWorker();
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('operating a migration run', () => {
  it('dual-writes, pauses, resumes, aborts consistently, and a new run finishes', async () => {
    const db = h.platform.db;
    const started = await api(h).post('', { batchSize: 300 });
    expect(started.status).toBe(201);
    const runId: string = started.body.run.id;
    const trades = async () => (await runView(h, runId)).collections.find((c) => c.collection === 'trades')!;
    await waitFor('trades being copied', async () => (await trades()).copied >= 600, 180_000);

    // Pause: the copy stops after its batch in flight.
    expect((await api(h).post(`/${runId}/pause`)).status).toBe(200);
    await waitFor('paused', async () => (await runView(h, runId)).run.status === 'paused', 30_000);
    await sleep(2_000);
    const pausedAt = (await trades()).copied;
    await sleep(3_000);
    expect((await trades()).copied).toBe(pausedAt);
    expect(pausedAt).toBeLessThan(20_000);

    // Dual-write is on while the run is active: the platform's writes reach MongoDB as legacy documents.
    const newcomer = await signedUpAgent(h.platform.app);
    const mirroredUser = await h.mongo.collection('users').findOne({ platformId: newcomer.userId });
    expect(mirroredUser).toMatchObject({ email: newcomer.email, role: 'trader' });
    const accountId = randomUUID();
    await insertExchangeAccount(db, h.dualWrite, { id: accountId, userId: newcomer.userId, exchangeId: 'paper', label: 'mirrored', apiKeyHint: 'abcd', sealedCredentials: 'v1.sealed', syncIntervalSeconds: 60 });
    const mirroredWallet = await h.mongo.collection('wallets').findOne({ platformId: accountId });
    expect(mirroredWallet).toMatchObject({ label: 'mirrored', sealedCredentials: 'v1.sealed', userId: mirroredUser!._id });
    const migratedBot = await db.one(sql.type(z.object({ id: z.string(), legacyId: z.string() }))`
      select id::text, legacy_id from bots where legacy_id is not null order by legacy_id limit 1`);
    await setBotStatus(db, h.dualWrite, migratedBot.id, 'failed', { lastError: 'changed during the migration' });
    const legacyBot = await h.mongo.collection('bots').findOne({ _id: new ObjectId(migratedBot.legacyId) });
    expect(legacyBot).toMatchObject({ status: 'failed', lastError: 'changed during the migration' });
    expect(legacyBot!.config).toEqual({ timeframe: '5m', notes: ['migrated'] }); // fields the platform does not know are kept

    // Resume: the copy goes on from where it stopped.
    expect((await api(h).post(`/${runId}/resume`)).status).toBe(200);
    await waitFor('copy resumed', async () => (await trades()).copied > pausedAt, 60_000);
    // A write while batches are being copied lands in both stores too.
    const during = await signedUpAgent(h.platform.app);
    expect((await trades()).state).toBe('copying');
    expect(await h.mongo.collection('users').findOne({ platformId: during.userId })).toMatchObject({ email: during.email });

    // Abort: dual-write off at once; PostgreSQL holds exactly the batches that were committed, and says so.
    const aborted = await api(h).post(`/${runId}/abort`, { reason: 'test' });
    expect(aborted.status).toBe(200);
    const end = await waitForPhase(h, runId, ['aborted'], 60_000);
    expect(end.run).toMatchObject({ status: 'aborted', dualWrite: false });
    const copied = end.collections.find((c) => c.collection === 'trades')!;
    const tradeRows = await db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from bot_trades`);
    expect(tradeRows).toBe(copied.copied);
    expect(copied.copied + copied.quarantined).toBeLessThan(20_000);
    expect((await api(h).post(`/${runId}/resume`)).status).toBe(409);
    const late = await signedUpAgent(h.platform.app);
    expect(await h.mongo.collection('users').findOne({ platformId: late.userId })).toBeNull();

    // A new run completes the job over what the aborted one left, and the mirrored writes map back to the same rows.
    const second = await api(h).post('', { batchSize: 2_000, autoApprove: true });
    expect(second.status).toBe(201);
    const secondId: string = second.body.run.id;
    // Once wallets and bots are copied, two changes before the verification: a mirrored bot status change (both stores
    // change, the range's source checksum is stale) and a wallet row changed in PostgreSQL alone (the target is wrong).
    await waitFor('second run copying trades', async () => (await runView(h, secondId)).collections.find((c) => c.collection === 'trades')!.state === 'copying', 120_000);
    await setBotStatus(db, h.dualWrite, migratedBot.id, 'stopped', { lastError: null });
    const wallet = await db.one(sql.type(z.object({ id: z.string(), label: z.string() }))`
      select id::text, label from exchange_accounts where legacy_id is not null and id <> ${accountId} order by legacy_id limit 1`);
    await db.query(sql.typeAlias('void')`update exchange_accounts set label = 'tampered' where id = ${wallet.id}`);
    const done = await waitForPhase(h, secondId, ['done'], 300_000);
    // Both ranges were found different and re-copied from the source: the wallet is right again, the bot keeps its change.
    expect(done.collections.find((c) => c.collection === 'wallets')!.recopiedRanges).toBeGreaterThan(0);
    expect(done.collections.find((c) => c.collection === 'bots')!.recopiedRanges).toBeGreaterThan(0);
    expect(await db.oneFirst(sql.type(z.object({ label: z.string() }))`select label from exchange_accounts where id = ${wallet.id}`)).toBe(wallet.label);
    for (const c of ALL_COLLECTIONS) {
      const cmp = await compareCollection(h, secondId, c, done.run.archivedAs![c]);
      expect(cmp, c).toMatchObject({ lost: [], duplicated: 0, differing: [], unaccounted: [] });
      expect(cmp.rows + cmp.quarantined, c).toBe(cmp.source);
    }
    const sameEmail = await db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from users where lower(email) = lower(${newcomer.email})`);
    expect(sameEmail).toBe(1);
    const bot = await db.one(sql.type(z.object({ status: z.string() }))`select status from bots where id = ${migratedBot.id}`);
    expect(bot.status).toBe('stopped');
    const account = await db.one(sql.type(z.object({ credentials: z.string() }))`select credentials from exchange_accounts where id = ${accountId}`);
    expect(account.credentials).toBe('v1.sealed');
  }, 600_000);
});

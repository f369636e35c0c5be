// An owner's resume against a key rejection in flight, with the real schedule and PostgreSQL: each interleaving is forced
// by the order of calls (and by PostgreSQL's lock queue), not by timing, and the resume is what stays in every one.
import { randomUUID } from 'node:crypto';
import { Client, Connection, type ScheduleHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWalletSyncScheduleActivities } from '../activities/wallet-sync-schedules.js';
import { findExchangeAccount, insertExchangeAccount, resumeExchangeAccount } from '../db/exchange-accounts.js';
import { createDb, sql, type Db } from '../db/pool.js';
import { createSecretBox } from '../db/secret-box.js';
import { insertUser } from '../db/users.js';
import { walletSyncScheduleId } from '../domain/workflow-ids.js';
import { createExchangeAccountCommands } from '../server/exchange-account-commands.js';
import { z } from 'zod';

let db: Db;
let connection: Connection;
let client: Client;
const taskQueue = `resume-${randomUUID()}`; // no worker listens: no sync of these schedules ever runs by itself
beforeAll(async () => {
  db = await createDb(process.env.DATABASE_URL!);
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
});
afterAll(async () => {
  await db?.end();
  await connection?.close();
});

const commands = () => createExchangeAccountCommands(client, taskQueue, createSecretBox(Buffer.alloc(32, 3).toString('base64')), db);
const schedules = () => createWalletSyncScheduleActivities(client, taskQueue, db);

/** An account whose key the exchange had rejected: its schedule paused, its status invalid_credentials. */
async function rejectedAccount(): Promise<{ id: string; schedule: ScheduleHandle }> {
  const user = await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' });
  const account = await insertExchangeAccount(db, null, {
    id: randomUUID(), userId: user.id, exchangeId: 'paper', label: 'Resumed', apiKeyHint: '…abcd', sealedCredentials: 'sealed', syncIntervalSeconds: 3600,
  });
  await schedules().ensureWalletSyncSchedule({ accountId: account.id, intervalSeconds: 3600 });
  expect(await schedules().rejectAccountKey({ accountId: account.id, syncStartedAt: new Date().toISOString(), message: 'rejected' })).toBe(true);
  const schedule = client.schedule.getHandle(walletSyncScheduleId(account.id));
  expect((await schedule.describe()).state.paused).toBe(true);
  return { id: account.id, schedule };
}

const resume = (id: string) => resumeExchangeAccount(db, id, () => commands().resume(id));
const resumedAt = async (id: string) => db.oneFirst(sql.type(z.object({ at: z.string() }))`select resumed_at as at from exchange_accounts where id = ${id}`);

describe('resuming an exchange account', () => {
  it('stays resumed whatever a sync that started before or with the resume reports afterwards', async () => {
    const { id, schedule } = await rejectedAccount();
    expect((await resume(id))?.status).toBe('active');
    const at = Date.parse(await resumedAt(id));
    // A sync that started in the very millisecond of the resume, and one a moment before, report the rejection late.
    for (const started of [at, at - 1]) {
      expect(await schedules().rejectAccountKey({ accountId: id, syncStartedAt: new Date(started).toISOString(), message: 'late' })).toBe(false);
    }
    expect((await schedule.describe()).state.paused).toBe(false);
    expect(await findExchangeAccount(db, id)).toMatchObject({ status: 'active' });
    // A sync that started after the resume still pauses the account: the key is rejected now.
    expect(await schedules().rejectAccountKey({ accountId: id, syncStartedAt: new Date(at + 1_000).toISOString(), message: 'now' })).toBe(true);
    expect((await schedule.describe()).state.paused).toBe(true);
    await schedule.delete();
  });

  it('a resume that queues behind a rejection in progress unpauses after the rejection paused', async () => {
    const { id, schedule } = await rejectedAccount();
    await resume(id);
    const syncStartedAt = new Date(Date.now() + 1_000).toISOString(); // a current sync: its rejection is not stale
    // The row lock is held while the rejection, then the resume, line up behind it in that order.
    let release!: () => void;
    let locked!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction(async (tx) => {
      await tx.query(sql.typeAlias('void')`select from exchange_accounts where id = ${id} for update`);
      locked();
      await gate;
    });
    await lockTaken;
    const rejection = schedules().rejectAccountKey({ accountId: id, syncStartedAt, message: 'rejected in flight' });
    await waitersOn(1);
    const resumed = resume(id);
    await waitersOn(2);
    release();
    await holder;
    expect(await rejection).toBe(true);
    await resumed;
    expect((await schedule.describe()).state.paused).toBe(false);
    expect(await findExchangeAccount(db, id)).toMatchObject({ status: 'active' });
    await schedule.delete();
  });
});

/** Waits until `n` sessions wait for an account's row lock (PostgreSQL grants it in that order; one account at a time here). */
async function waitersOn(n: number): Promise<void> {
  for (;;) {
    const waiting = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and query like '%exchange_accounts where id = $% for update%'`);
    if (waiting >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

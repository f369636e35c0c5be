// The key-rejection guard against the real PostgreSQL: a sync that started before the owner's resume cannot pause the
// account again; a current one pauses and marks it, and both hold the account's row lock while they touch the schedule.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExchangeAccount, insertExchangeAccount, markKeyRejected, resumeExchangeAccount } from './exchange-accounts.js';
import { createDb, type Db } from './pool.js';
import { insertUser } from './users.js';

let db: Db;
beforeAll(async () => {
  db = await createDb(process.env.DATABASE_URL!);
});
afterAll(async () => db?.end());

async function newAccount() {
  const user = await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' });
  return insertExchangeAccount(db, null, {
    id: randomUUID(), userId: user.id, exchangeId: 'paper', label: 'Guarded', apiKeyHint: '…abcd', sealedCredentials: 'sealed', syncIntervalSeconds: 60,
  });
}

describe('key rejection guard', () => {
  it('pauses and marks the account when the owner has not resumed it since the sync started', async () => {
    const account = await newAccount();
    const paused: string[] = [];
    const marked = await markKeyRejected(db, account.id, new Date(), 'the exchange rejected this API key/secret', async () => {
      paused.push(account.id);
    });
    expect(marked).toBe(true);
    expect(paused).toEqual([account.id]);
    expect(await findExchangeAccount(db, account.id)).toMatchObject({ status: 'invalid_credentials', lastError: expect.stringMatching(/rejected/) });
  });

  it('leaves an account alone when the owner resumed it after the sync started', async () => {
    const account = await newAccount();
    const syncStartedAt = new Date(Date.now() - 1000);
    await resumeExchangeAccount(db, account.id, async () => {});
    let paused = false;
    const marked = await markKeyRejected(db, account.id, syncStartedAt, 'stale', async () => {
      paused = true;
    });
    expect(marked).toBe(false);
    expect(paused).toBe(false);
    expect(await findExchangeAccount(db, account.id)).toMatchObject({ status: 'active', lastError: null });
  });

  it('a resume waits for a rejection in progress, so the resume is what stays', async () => {
    const account = await newAccount();
    const order: string[] = [];
    let release!: () => void;
    const pausing = new Promise<void>((r) => (release = r));
    const rejection = markKeyRejected(db, account.id, new Date(), 'rejected', async () => {
      order.push('pause');
      await pausing;
    });
    await new Promise((r) => setTimeout(r, 100));
    const resume = resumeExchangeAccount(db, account.id, async () => {
      order.push('unpause');
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual(['pause']); // the resume is waiting on the row lock
    release();
    expect(await rejection).toBe(true);
    expect((await resume)?.status).toBe('active');
    expect(order).toEqual(['pause', 'unpause']);
  });
});

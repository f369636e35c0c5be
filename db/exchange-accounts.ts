// Exchange accounts and their wallet snapshots: user-facing reads are scoped to the owner, so another user's account is not found.
import { z } from 'zod';
import {
  Balance,
  ExchangeAccount,
  OpenOrder,
  WalletSnapshot,
  type ExchangeAccountStatus,
} from '../domain/exchange-account.js';
import { mirrorWrite, type DualWriteSink } from './legacy-mirror.js';
import { sql, type Db } from './pool.js';

const accountColumns = sql.fragment`id::text, user_id, exchange_id, label, api_key_hint, status, sync_interval_seconds,
  last_sync_at, last_success_at, last_error, created_at`;

const AccountWithSecret = ExchangeAccount.extend({ credentials: z.string() });
export type ExchangeAccountWithSecret = z.infer<typeof AccountWithSecret>;

const isUuid = (id: string): boolean => z.string().uuid().safeParse(id).success;

export async function listExchangeAccountsForUser(db: Db, userId: string): Promise<readonly ExchangeAccount[]> {
  return db.any(sql.type(ExchangeAccount)`
    select ${accountColumns} from exchange_accounts where user_id = ${userId} order by created_at desc, id`);
}

export async function findExchangeAccountForUser(db: Db, userId: string, accountId: string): Promise<ExchangeAccount | null> {
  if (!isUuid(accountId)) return null;
  return db.maybeOne(sql.type(ExchangeAccount)`
    select ${accountColumns} from exchange_accounts where id = ${accountId} and user_id = ${userId}`);
}

export async function findExchangeAccount(db: Db, accountId: string): Promise<ExchangeAccount | null> {
  if (!isUuid(accountId)) return null;
  return db.maybeOne(sql.type(ExchangeAccount)`select ${accountColumns} from exchange_accounts where id = ${accountId}`);
}

/** For activities only: includes the sealed credentials. */
export async function findExchangeAccountWithSecret(db: Db, accountId: string): Promise<ExchangeAccountWithSecret | null> {
  if (!isUuid(accountId)) return null;
  return db.maybeOne(sql.type(AccountWithSecret)`
    select ${accountColumns}, credentials from exchange_accounts where id = ${accountId}`);
}

export interface NewExchangeAccount {
  id: string;
  userId: string;
  exchangeId: string;
  label: string;
  apiKeyHint: string;
  sealedCredentials: string;
  syncIntervalSeconds: number;
}

/** Inserts the account as `active`; inserting the same id again returns the existing row unchanged. */
/** A new account would pass its owner's MAX_EXCHANGE_ACCOUNTS_PER_USER; the message names the limit. */
export class AccountQuotaError extends Error {}

/**
 * Inserts the account; the same id again returns the existing row. With `maxAccounts`, the owner's accounts are counted
 * in the same transaction under a lock per owner, so adds racing each other cannot pass the limit together.
 */
export async function insertExchangeAccount(db: Db, dualWrite: DualWriteSink | null, account: NewExchangeAccount, maxAccounts?: number): Promise<ExchangeAccount> {
  const inserted = await db.transaction(async (tx) => {
    await tx.query(sql.type(z.object({}).loose())`select pg_advisory_xact_lock(hashtextextended(${`accounts-of:${account.userId}`}, 0))`);
    if (maxAccounts !== undefined) {
      const counts = await tx.one(sql.type(z.object({ n: z.number(), same: z.number() }))`
        select count(*)::int as n, (count(*) filter (where id = ${account.id}))::int as same from exchange_accounts where user_id = ${account.userId}`);
      if (counts.same === 0 && counts.n >= maxAccounts) {
        throw new AccountQuotaError(`exchange accounts: you have reached the limit of ${maxAccounts} (MAX_EXCHANGE_ACCOUNTS_PER_USER); delete one first`);
      }
    }
    return tx.maybeOne(sql.type(ExchangeAccount)`
      insert into exchange_accounts (id, user_id, exchange_id, label, credentials, api_key_hint, status, sync_interval_seconds)
      values (${account.id}, ${account.userId}, ${account.exchangeId}, ${account.label}, ${account.sealedCredentials},
              ${account.apiKeyHint}, 'active', ${account.syncIntervalSeconds})
      on conflict (id) do nothing
      returning ${accountColumns}`);
  });
  if (inserted) {
    await mirrorWrite(db, dualWrite, { entity: 'wallets', id: inserted.id });
    return inserted;
  }
  const existing = await findExchangeAccount(db, account.id);
  if (!existing) throw new Error(`exchange account ${account.id} vanished while being created`);
  return existing;
}

export async function updateExchangeAccountForUser(
  db: Db,
  userId: string,
  accountId: string,
  changes: { label?: string; syncIntervalSeconds?: number },
): Promise<ExchangeAccount | null> {
  if (!isUuid(accountId)) return null;
  return db.maybeOne(sql.type(ExchangeAccount)`
    update exchange_accounts
    set label = coalesce(${changes.label ?? null}::text, label),
        sync_interval_seconds = coalesce(${changes.syncIntervalSeconds ?? null}::int, sync_interval_seconds),
        updated_at = now()
    where id = ${accountId} and user_id = ${userId}
    returning ${accountColumns}`);
}

export async function setExchangeAccountStatus(db: Db, accountId: string, status: ExchangeAccountStatus): Promise<ExchangeAccount | null> {
  return db.maybeOne(sql.type(ExchangeAccount)`
    update exchange_accounts set status = ${status}, updated_at = now() where id = ${accountId}
    returning ${accountColumns}`);
}

export interface RecordedSync {
  account: ExchangeAccount;
  previousStatus: ExchangeAccountStatus;
  takenAt: string;
}

/**
 * Stores a successful sync: the snapshot and the account's sync times, in one transaction. A paused account stays paused
 * (a sync the user triggered by hand must not resume it). Null when the account was deleted meanwhile.
 */
export async function recordWalletSync(
  db: Db,
  accountId: string,
  snapshot: { balances: Balance[]; openOrders: OpenOrder[] },
): Promise<RecordedSync | null> {
  return db.transaction(async (tx) => {
    const previous = await tx.maybeOneFirst(sql.type(z.object({ status: ExchangeAccount.shape.status }))`
      select status from exchange_accounts where id = ${accountId} for update`);
    if (!previous) return null;
    const takenAt = await tx.oneFirst(sql.type(z.object({ takenAt: z.string() }))`
      insert into wallet_snapshots (account_id, balances, open_orders)
      values (${accountId}, ${sql.jsonb(snapshot.balances)}, ${sql.jsonb(snapshot.openOrders)})
      returning taken_at`);
    // now() is the transaction's start: the same instant as the snapshot's taken_at.
    const account = await tx.one(sql.type(ExchangeAccount)`
      update exchange_accounts
      set status = case when status = 'paused' then 'paused' else 'active' end,
          last_sync_at = now(), last_success_at = now(), last_error = null, updated_at = now()
      where id = ${accountId}
      returning ${accountColumns}`);
    return { account, previousStatus: previous, takenAt };
  });
}

/** Stores a failed sync. A transient error keeps a paused account paused; a rejected key always shows. */
export async function recordWalletSyncFailure(
  db: Db,
  accountId: string,
  status: 'error' | 'invalid_credentials',
  message: string,
): Promise<ExchangeAccount | null> {
  return db.maybeOne(sql.type(ExchangeAccount)`
    update exchange_accounts
    set status = case when ${status}::text = 'error' and status = 'paused' then 'paused' else ${status}::text end,
        last_sync_at = now(), last_error = ${message.slice(0, 2000)}, updated_at = now()
    where id = ${accountId}
    returning ${accountColumns}`);
}

/**
 * The exchange rejected the key in a sync that started at `syncStartedAt`. Unless the owner resumed the account since
 * (the rejection is then stale), `pause` runs and the account is marked, both under the account's row lock, which
 * `resumeExchangeAccount` takes too: a late rejection can never pause an account its owner has just resumed.
 * False when the rejection was stale or the account is gone.
 */
export async function markKeyRejected(
  db: Db,
  accountId: string,
  syncStartedAt: Date,
  message: string,
  pause: () => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Compared in PostgreSQL at its microseconds, and a resume in the same millisecond as the sync's start wins: a
    // rejection the owner may already have answered never pauses the account again (the next sync decides).
    const row = await tx.maybeOne(sql.type(z.object({ stale: z.boolean() }))`
      select coalesce(resumed_at >= ${syncStartedAt.toISOString()}::timestamptz, false) as stale
      from exchange_accounts where id = ${accountId} for update`);
    if (!row || row.stale) return false;
    await pause();
    await tx.query(sql.typeAlias('void')`
      update exchange_accounts set status = 'invalid_credentials', last_sync_at = now(), last_error = ${message.slice(0, 2000)},
             updated_at = now()
      where id = ${accountId}`);
    return true;
  });
}

/** The owner resumes the account: `unpause` runs under the row lock (see markKeyRejected), then the account is active. */
export async function resumeExchangeAccount(db: Db, accountId: string, unpause: () => Promise<void>): Promise<ExchangeAccount | null> {
  return db.transaction(async (tx) => {
    const locked = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      select id::text from exchange_accounts where id = ${accountId} for update`);
    if (!locked) return null;
    await unpause();
    return tx.one(sql.type(ExchangeAccount)`
      update exchange_accounts set status = 'active', resumed_at = clock_timestamp(), updated_at = now() where id = ${accountId}
      returning ${accountColumns}`);
  });
}

export async function deleteExchangeAccountRecord(db: Db, accountId: string): Promise<void> {
  await db.query(sql.typeAlias('void')`delete from exchange_accounts where id = ${accountId}`);
}

export async function latestWalletSnapshot(db: Db, accountId: string): Promise<WalletSnapshot | null> {
  return db.maybeOne(sql.type(WalletSnapshot)`
    select account_id::text, taken_at, balances, open_orders from wallet_snapshots
    where account_id = ${accountId}
    order by taken_at desc, id desc limit 1`);
}

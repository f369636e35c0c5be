// Per-user and per-address limits in the database: counted rows (bots, exchange accounts) and rate events taken atomically.
import { z } from 'zod';
import { sql, type Db } from './pool.js';

export interface RateCheck {
  key: string;
  limit: number;
  windowSeconds: number;
}

export type RateSlot = { ok: true; ids: string[] } | { ok: false; refused: RateCheck };

/**
 * Counts one event under every key, or none: under a transaction-scoped advisory lock per key (taken in key order, so
 * two requests never deadlock), so of N concurrent requests exactly `limit` get a slot. Old events are pruned on the way.
 */
export async function takeRateSlot(db: Db, checks: readonly RateCheck[]): Promise<RateSlot> {
  return db.transaction(async (tx) => {
    const ordered = [...checks].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const check of ordered) await tx.query(sql.unsafe`select pg_advisory_xact_lock(hashtextextended(${`rate:${check.key}`}, 0))`);
    for (const check of ordered) {
      await tx.query(sql.typeAlias('void')`delete from rate_events where key = ${check.key} and at < now() - make_interval(secs => ${check.windowSeconds})`);
      const used = await tx.oneFirst(sql.type(z.object({ n: z.number() }))`
        select count(*)::int as n from rate_events where key = ${check.key} and at > now() - make_interval(secs => ${check.windowSeconds})`);
      if (used >= check.limit) return { ok: false, refused: check };
    }
    const ids: string[] = [];
    for (const check of ordered) {
      ids.push(await tx.oneFirst(sql.type(z.object({ id: z.string() }))`insert into rate_events (key) values (${check.key}) returning id::text`));
    }
    return { ok: true, ids };
  });
}

/** Gives slots back (a sign-in that turned out right does not count as a failure). */
export async function releaseRateSlots(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length) await db.query(sql.typeAlias('void')`delete from rate_events where id = any(${sql.array(ids, 'int8')})`);
}

/** Forgets every event of a key (the failures of an email after a right password). */
export async function clearRateKey(db: Db, key: string): Promise<void> {
  await db.query(sql.typeAlias('void')`delete from rate_events where key = ${key}`);
}

export async function countBotsForUser(db: Db, userId: string, engine?: string): Promise<number> {
  const byEngine = engine ? sql.fragment`and engine = ${engine}` : sql.fragment``;
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from bots where user_id = ${userId} ${byEngine}`);
}

export async function countExchangeAccountsForUser(db: Db, userId: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from exchange_accounts where user_id = ${userId}`);
}

// Reads migrated rows back by `legacy_id` range, in the shape the mapping produced, so verification can checksum the
// PostgreSQL side exactly like the source side; and the batch bookkeeping written in the same transaction as each batch.
import { z } from 'zod';
import type { DatabaseTransactionConnection } from 'slonik';
import { TARGET_TABLE, type LegacyCollection } from '../domain/legacy-model.js';
import type { AnyRow } from '../domain/legacy-mapping.js';
import { sql, type Db } from './pool.js';

type Conn = Db | DatabaseTransactionConnection;
const Row = z.looseObject({ legacyId: z.string() });

const COLUMNS: Record<LegacyCollection, ReturnType<typeof sql.fragment>> = {
  users: sql.fragment`legacy_id, id, email, password_hash, is_operator, created_at`,
  strategies: sql.fragment`legacy_id, id::text, user_id, name, engine, content, author, note, created_at`,
  wallets: sql.fragment`legacy_id, id::text, user_id, exchange_id, label, api_key_hint, sync_interval_seconds, created_at`,
  bots: sql.fragment`legacy_id, id::text, user_id, name, exchange, pairs, stake_amount, stake_currency, dry_run, status, last_error,
    strategy_version_id::text, exchange_account_id::text, created_at`,
  trades: sql.fragment`legacy_id, bot_id::text, trade_id, pair, is_open, amount, stake_amount, open_rate, close_rate, open_date, close_date,
    profit_abs, profit_ratio, fee_open, fee_close, exit_reason`,
  balances: sql.fragment`legacy_id, account_id::text, taken_at, balances`,
  botEvents: sql.fragment`legacy_id, bot_id::text, at, kind, message`,
};

/** `(after, upTo]` in legacy-id order; `after` null means from the start. ObjectId hex sorts like the ObjectIds themselves. */
const inRange = (after: string | null, upTo: string | null) =>
  sql.fragment`legacy_id is not null and legacy_id > ${after ?? ''} ${upTo === null ? sql.fragment`` : sql.fragment`and legacy_id <= ${upTo}`}`;

export async function targetRowsInRange(db: Conn, collection: LegacyCollection, after: string | null, upTo: string | null): Promise<AnyRow[]> {
  const table = sql.identifier([TARGET_TABLE[collection]]);
  const rows = await db.any(sql.type(Row)`
    select ${COLUMNS[collection]} from ${table} where ${inRange(after, upTo)} order by legacy_id collate "C"`);
  return rows as unknown as AnyRow[];
}

export async function quarantinedInRange(db: Conn, runId: string, collection: LegacyCollection, after: string | null, upTo: string | null): Promise<string[]> {
  return [...(await db.anyFirst(sql.type(z.object({ legacyId: z.string() }))`
    select legacy_id from migration_quarantine where run_id = ${runId} and collection = ${collection} and ${inRange(after, upTo)}`))];
}

/** After a range is re-copied: rows and quarantine entries of ids the source no longer has are removed. */
export async function deleteStaleInRange(tx: Conn, runId: string, collection: LegacyCollection, after: string | null, upTo: string | null, keep: string[]): Promise<number> {
  const table = sql.identifier([TARGET_TABLE[collection]]);
  const ids = sql.array(keep, 'text');
  await tx.query(sql.typeAlias('void')`
    delete from migration_quarantine where run_id = ${runId} and collection = ${collection} and ${inRange(after, upTo)} and not (legacy_id = any(${ids}))`);
  const removed = await tx.anyFirst(sql.type(z.object({ legacyId: z.string() }))`
    delete from ${table} where ${inRange(after, upTo)} and not (legacy_id = any(${ids})) returning legacy_id`);
  return removed.length;
}

export interface QuarantineItem { legacyId: string; reason: string; document: unknown }

export async function quarantine(tx: Conn, runId: string, collection: LegacyCollection, items: QuarantineItem[]): Promise<void> {
  if (items.length === 0) return;
  await tx.query(sql.typeAlias('void')`
    insert into migration_quarantine (run_id, collection, legacy_id, reason, document)
    select ${runId}, ${collection}, legacy_id, reason, document
    from ${sql.unnest(items.map((i) => [i.legacyId, i.reason, JSON.stringify(i.document)]), ['text', 'text', 'jsonb'])} as t(legacy_id, reason, document)
    on conflict (run_id, collection, legacy_id) do update set reason = excluded.reason, document = excluded.document`);
}

/** Removes quarantine entries of documents that this batch did map (a re-copied document that is now fine). */
export async function unquarantine(tx: Conn, runId: string, collection: LegacyCollection, legacyIds: string[]): Promise<void> {
  if (legacyIds.length === 0) return;
  await tx.query(sql.typeAlias('void')`
    delete from migration_quarantine where run_id = ${runId} and collection = ${collection} and legacy_id = any(${sql.array(legacyIds, 'text')})`);
}

export interface RangeRecord { seq: number; firstId: string; lastId: string; sourceCount: number; sourceChecksum: string }

/** Stores the range and moves the collection's checkpoint (copy) or counts the repair (recopy), with the batch. */
export async function recordRange(
  tx: Conn,
  runId: string,
  collection: LegacyCollection,
  range: RangeRecord,
  counts: { copied: number; quarantined: number; advance: boolean },
): Promise<void> {
  await tx.query(sql.typeAlias('void')`
    insert into migration_ranges (run_id, collection, seq, first_id, last_id, source_count, source_checksum)
    values (${runId}, ${collection}, ${range.seq}, ${range.firstId}, ${range.lastId}, ${range.sourceCount}, ${range.sourceChecksum})
    on conflict (run_id, collection, seq) do update set first_id = excluded.first_id, last_id = excluded.last_id,
      source_count = excluded.source_count, source_checksum = excluded.source_checksum, verified = false`);
  if (counts.advance) {
    await tx.query(sql.typeAlias('void')`
      update migration_collections set copied = copied + ${counts.copied}, quarantined = quarantined + ${counts.quarantined},
        last_id = ${range.lastId}, updated_at = now()
      where run_id = ${runId} and collection = ${collection}`);
  }
}

/** Exact totals for a finished collection (after repairs the incremental counters may be off by what was re-copied). */
export async function recountCollection(db: Conn, runId: string, collection: LegacyCollection): Promise<{ copied: number; quarantined: number }> {
  const table = sql.identifier([TARGET_TABLE[collection]]);
  const r = await db.one(sql.type(z.object({ copied: z.number(), quarantined: z.number() }))`
    select
      (select count(*)::int from ${table} t where t.legacy_id is not null and t.legacy_id <= coalesce(
        (select max(last_id) from migration_ranges where run_id = ${runId} and collection = ${collection}), '')) as copied,
      (select count(*)::int from migration_quarantine where run_id = ${runId} and collection = ${collection}) as quarantined`);
  await db.query(sql.typeAlias('void')`
    update migration_collections set copied = ${r.copied}, quarantined = ${r.quarantined}, updated_at = now()
    where run_id = ${runId} and collection = ${collection}`);
  return r;
}

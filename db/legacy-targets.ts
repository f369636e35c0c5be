// Writes mapped legacy rows into the platform's real tables: idempotent upserts keyed by the row id and `legacy_id`, so a
// repeated batch changes nothing; rows another document already holds are reported back to be quarantined.
import { z } from 'zod';
import type { DatabaseTransactionConnection } from 'slonik';
import { BOT_PORT_MAX, BOT_PORT_MIN } from '../domain/bot.js';
import { TARGET_TABLE, type LegacyCollection } from '../domain/legacy-model.js';
import type { AnyRow, BotEventRowOut, BotRowOut, BalanceRowOut, LegacyRef, StrategyRowOut, TradeRowOut, UserRowOut, WalletRowOut } from '../domain/legacy-mapping.js';
import { sql } from './pool.js';

type Tx = DatabaseTransactionConnection;
export const refKey = (ref: LegacyRef): string => `${ref.collection}:${ref.legacyId}`;

/** Platform ids of referenced legacy documents that were migrated (by this or an earlier run). */
export async function resolveLegacyRefs(tx: Tx, refs: readonly LegacyRef[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const byCollection = new Map<LegacyRef['collection'], Set<string>>();
  for (const r of refs) (byCollection.get(r.collection) ?? byCollection.set(r.collection, new Set()).get(r.collection)!).add(r.legacyId);
  for (const [collection, ids] of byCollection) {
    const rows = await tx.any(sql.type(z.object({ legacyId: z.string(), id: z.string() }))`
      select legacy_id, id::text from ${sql.identifier([TARGET_TABLE[collection]])} where legacy_id = any(${sql.array([...ids], 'text')})`);
    for (const row of rows) found.set(refKey({ collection, legacyId: row.legacyId }), row.id);
  }
  return found;
}

export interface TargetWriteContext {
  /** Seals an exchange account's credentials to its row (AES-256-GCM, the platform's key). */
  sealAccountCredentials(accountId: string, plain: string): string;
  sha256(text: string): string;
  /** New API credentials of a bot, sealed to its row. */
  newBotCredentials(botId: string): string;
}

export interface WriteOutcome {
  written: number;
  /** Rows the table refused because another document holds the same unique value. */
  conflicts: Array<{ legacyId: string; reason: string }>;
}

const Held = z.object({ key: z.string(), holder: z.string().nullable() });

async function writeUsers(tx: Tx, rows: UserRowOut[]): Promise<WriteOutcome> {
  const conflicts: WriteOutcome['conflicts'] = [];
  // Emails are unique regardless of case: the first document (lowest _id) keeps the address, later ones are quarantined.
  const held = await tx.any(sql.type(Held)`
    select lower(email) as key, coalesce(legacy_id, 'platform user ' || id) as holder from users
    where lower(email) = any(${sql.array(rows.map((r) => r.email.toLowerCase()), 'text')})`);
  const holders = new Map(held.map((h) => [h.key, h.holder]));
  const keep: UserRowOut[] = [];
  for (const r of rows) {
    const holder = holders.get(r.email.toLowerCase());
    if (holder && holder !== r.legacyId) conflicts.push({ legacyId: r.legacyId, reason: `email: ${r.email} is already used by ${holder} (emails differ only by case)` });
    else {
      holders.set(r.email.toLowerCase(), r.legacyId);
      keep.push(r);
    }
  }
  if (keep.length === 0) return { written: 0, conflicts };
  await tx.query(sql.typeAlias('void')`
    insert into users (id, legacy_id, email, password_hash, is_operator, created_at)
    select * from ${sql.unnest(keep.map((r) => [r.id, r.legacyId, r.email, r.passwordHash, r.isOperator, r.createdAt]), ['text', 'text', 'text', 'text', 'bool', 'timestamptz'])}
    on conflict (id) do update set legacy_id = excluded.legacy_id, email = excluded.email, password_hash = excluded.password_hash,
      is_operator = excluded.is_operator, created_at = excluded.created_at`);
  return { written: keep.length, conflicts };
}

async function writeStrategies(tx: Tx, rows: StrategyRowOut[], ctx: TargetWriteContext): Promise<WriteOutcome> {
  const conflicts: WriteOutcome['conflicts'] = [];
  const hashed = rows.map((r) => ({ ...r, hash: ctx.sha256(r.content) }));
  const held = await tx.any(sql.type(Held)`
    select coalesce(user_id, '') || ':' || content_hash as key, coalesce(legacy_id, id::text) as holder from strategy_versions
    where content_hash = any(${sql.array(hashed.map((r) => r.hash), 'text')})`);
  const holders = new Map(held.map((h) => [h.key, h.holder]));
  const keep: typeof hashed = [];
  for (const r of hashed) {
    const key = `${r.userId ?? ''}:${r.hash}`;
    const holder = holders.get(key);
    if (holder && holder !== r.legacyId) conflicts.push({ legacyId: r.legacyId, reason: `content: the same strategy is already stored as version ${holder}` });
    else {
      holders.set(key, r.legacyId);
      keep.push(r);
    }
  }
  if (keep.length === 0) return { written: 0, conflicts };
  await tx.query(sql.typeAlias('void')`
    insert into strategy_versions (id, legacy_id, user_id, name, engine, content, content_hash, author, note, created_at)
    select * from ${sql.unnest(keep.map((r) => [r.id, r.legacyId, r.userId, r.name, r.engine, r.content, r.hash, r.author, r.note, r.createdAt]), ['uuid', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'timestamptz'])}
    on conflict (id) do update set user_id = excluded.user_id, name = excluded.name, engine = excluded.engine, content = excluded.content,
      content_hash = excluded.content_hash, author = excluded.author, note = excluded.note, created_at = excluded.created_at`);
  return { written: keep.length, conflicts };
}

async function writeWallets(tx: Tx, rows: WalletRowOut[], ctx: TargetWriteContext): Promise<WriteOutcome> {
  // Migrated accounts arrive paused: no wallet-sync schedule exists for them until their owner resumes it.
  const tuples = rows.map((r) => [
    r.id, r.legacyId, r.userId, r.exchangeId, r.label,
    'sealed' in r.credentials ? r.credentials.sealed : ctx.sealAccountCredentials(r.id, JSON.stringify({ apiKey: r.credentials.apiKey, secret: r.credentials.secret })),
    r.apiKeyHint, r.syncIntervalSeconds, r.createdAt,
  ]);
  await tx.query(sql.typeAlias('void')`
    insert into exchange_accounts (id, legacy_id, user_id, exchange_id, label, credentials, api_key_hint, status, sync_interval_seconds, created_at)
    select id, legacy_id, user_id, exchange_id, label, credentials, api_key_hint, 'paused', sync_interval_seconds, created_at
    from ${sql.unnest(tuples, ['uuid', 'text', 'text', 'text', 'text', 'text', 'text', 'int4', 'timestamptz'])}
      as t(id, legacy_id, user_id, exchange_id, label, credentials, api_key_hint, sync_interval_seconds, created_at)
    on conflict (id) do update set legacy_id = excluded.legacy_id, user_id = excluded.user_id, exchange_id = excluded.exchange_id,
      label = excluded.label, api_key_hint = excluded.api_key_hint, sync_interval_seconds = excluded.sync_interval_seconds, created_at = excluded.created_at`);
  return { written: rows.length, conflicts: [] };
}

async function writeBots(tx: Tx, rows: BotRowOut[], ctx: TargetWriteContext): Promise<WriteOutcome> {
  // New rows need an API port of the bot range and their own API credentials; existing rows keep theirs.
  const held = await tx.any(sql.type(z.object({ id: z.string(), apiPort: z.number() }))`
    select id::text, api_port from bots where id = any(${sql.array(rows.map((r) => r.id), 'uuid')})`);
  const existing = new Map(held.map((h) => [h.id, h.apiPort]));
  const fresh = rows.filter((r) => !existing.has(r.id));
  const ports = fresh.length === 0 ? [] : await tx.anyFirst(sql.type(z.object({ p: z.number() }))`
    select p from generate_series(${BOT_PORT_MIN}::int, ${BOT_PORT_MAX}::int) p
    where not exists (select 1 from bots where api_port = p) order by p limit ${fresh.length}`);
  if (ports.length < fresh.length) throw new Error(`bots: only ${ports.length} free API ports left in ${BOT_PORT_MIN}-${BOT_PORT_MAX} for ${fresh.length} new bots`);
  const portOf = new Map(fresh.map((r, i) => [r.id, ports[i]!]));
  const tuples = rows.map((r) => [
    r.id, r.legacyId, r.userId, r.name, r.exchange, r.pairs.join(','), r.stakeAmount, r.stakeCurrency, r.dryRun, r.status, r.lastError,
        // An existing row's own port passes the insert's checks; the conflict path then leaves port and credentials alone.
    r.strategyVersionId, r.exchangeAccountId, r.createdAt, portOf.get(r.id) ?? existing.get(r.id)!, portOf.has(r.id) ? ctx.newBotCredentials(r.id) : '',
  ]);
  await tx.query(sql.typeAlias('void')`
    insert into bots (id, legacy_id, user_id, name, exchange, pairs, stake_amount, stake_currency, dry_run, engine, status, driver,
                      last_error, strategy_version_id, exchange_account_id, created_at, api_port, api_credentials)
    select id, legacy_id, user_id, name, exchange, string_to_array(pairs, ','), stake_amount, stake_currency, dry_run, 'builtin', status, 'process',
           last_error, strategy_version_id, exchange_account_id, created_at, api_port, api_credentials
    from ${sql.unnest(tuples, ['uuid', 'text', 'text', 'text', 'text', 'text', 'numeric', 'text', 'bool', 'text', 'text', 'uuid', 'uuid', 'timestamptz', 'int4', 'text'])}
      as t(id, legacy_id, user_id, name, exchange, pairs, stake_amount, stake_currency, dry_run, status, last_error, strategy_version_id,
           exchange_account_id, created_at, api_port, api_credentials)
    on conflict (id) do update set legacy_id = excluded.legacy_id, user_id = excluded.user_id, name = excluded.name, exchange = excluded.exchange,
      pairs = excluded.pairs, stake_amount = excluded.stake_amount, stake_currency = excluded.stake_currency, dry_run = excluded.dry_run,
      status = excluded.status, last_error = excluded.last_error, strategy_version_id = excluded.strategy_version_id,
      exchange_account_id = excluded.exchange_account_id, created_at = excluded.created_at, updated_at = now()`);
  return { written: rows.length, conflicts: [] };
}

async function writeTrades(tx: Tx, rows: TradeRowOut[]): Promise<WriteOutcome> {
  const conflicts: WriteOutcome['conflicts'] = [];
  // A bot's trade id is its key: a second document with the same (bot, tradeId) is a duplicate to quarantine.
  const seen = new Map<string, string>();
  const keep: TradeRowOut[] = [];
  for (const r of rows) {
    const key = `${r.botId}:${r.tradeId}`;
    const first = seen.get(key);
    if (first) conflicts.push({ legacyId: r.legacyId, reason: `tradeId: ${r.tradeId} of this bot is already document ${first}` });
    else {
      seen.set(key, r.legacyId);
      keep.push(r);
    }
  }
  if (keep.length === 0) return { written: 0, conflicts };
  const tuples = keep.map((r) => [
    r.botId, r.tradeId, r.pair, r.isOpen, r.amount, r.stakeAmount, r.openRate, r.closeRate, r.openDate, r.closeDate, r.profitAbs, r.profitRatio,
    r.feeOpen, r.feeClose, r.exitReason, r.legacyId,
  ]);
  const written = await tx.anyFirst(sql.type(z.object({ legacyId: z.string() }))`
    insert into bot_trades (bot_id, trade_id, pair, is_open, amount, stake_amount, open_rate, close_rate, open_date, close_date, profit_abs,
                            profit_ratio, fee_open, fee_close, exit_reason, legacy_id, raw)
    select *, jsonb_build_object('legacyId', t.legacy_id, 'source', 'legacy-migration')
    from ${sql.unnest(tuples, ['uuid', 'int4', 'text', 'bool', 'numeric', 'numeric', 'numeric', 'numeric', 'timestamptz', 'timestamptz', 'numeric', 'numeric', 'numeric', 'numeric', 'text', 'text'])}
      as t(bot_id, trade_id, pair, is_open, amount, stake_amount, open_rate, close_rate, open_date, close_date, profit_abs, profit_ratio,
           fee_open, fee_close, exit_reason, legacy_id)
    on conflict (bot_id, trade_id) do update set pair = excluded.pair, is_open = excluded.is_open, amount = excluded.amount,
      stake_amount = excluded.stake_amount, open_rate = excluded.open_rate, close_rate = excluded.close_rate, open_date = excluded.open_date,
      close_date = excluded.close_date, profit_abs = excluded.profit_abs, profit_ratio = excluded.profit_ratio, fee_open = excluded.fee_open,
      fee_close = excluded.fee_close, exit_reason = excluded.exit_reason, raw = excluded.raw
      where bot_trades.legacy_id = excluded.legacy_id
    returning legacy_id`);
  const done = new Set(written);
  for (const r of keep) if (!done.has(r.legacyId)) conflicts.push({ legacyId: r.legacyId, reason: `tradeId: ${r.tradeId} of this bot is already held by another trade` });
  return { written: done.size, conflicts };
}

async function writeBalances(tx: Tx, rows: BalanceRowOut[]): Promise<WriteOutcome> {
  await tx.query(sql.typeAlias('void')`
    insert into wallet_snapshots (legacy_id, account_id, taken_at, balances, open_orders)
    select legacy_id, account_id, taken_at, balances, '[]'::jsonb
    from ${sql.unnest(rows.map((r) => [r.legacyId, r.accountId, r.takenAt, JSON.stringify(r.balances)]), ['text', 'uuid', 'timestamptz', 'jsonb'])}
      as t(legacy_id, account_id, taken_at, balances)
    on conflict (legacy_id) do update set account_id = excluded.account_id, taken_at = excluded.taken_at, balances = excluded.balances`);
  return { written: rows.length, conflicts: [] };
}

async function writeBotEvents(tx: Tx, rows: BotEventRowOut[]): Promise<WriteOutcome> {
  await tx.query(sql.typeAlias('void')`
    insert into bot_events (legacy_id, bot_id, at, kind, message)
    select * from ${sql.unnest(rows.map((r) => [r.legacyId, r.botId, r.at, r.kind, r.message]), ['text', 'uuid', 'timestamptz', 'text', 'text'])}
    on conflict (legacy_id) do update set bot_id = excluded.bot_id, at = excluded.at, kind = excluded.kind, message = excluded.message`);
  return { written: rows.length, conflicts: [] };
}

/** Upserts one batch of mapped rows into the collection's table. */
export async function writeTargetRows(tx: Tx, collection: LegacyCollection, rows: AnyRow[], ctx: TargetWriteContext): Promise<WriteOutcome> {
  if (rows.length === 0) return { written: 0, conflicts: [] };
  switch (collection) {
    case 'users': return writeUsers(tx, rows as UserRowOut[]);
    case 'strategies': return writeStrategies(tx, rows as StrategyRowOut[], ctx);
    case 'wallets': return writeWallets(tx, rows as WalletRowOut[], ctx);
    case 'bots': return writeBots(tx, rows as BotRowOut[], ctx);
    case 'trades': return writeTrades(tx, rows as TradeRowOut[]);
    case 'balances': return writeBalances(tx, rows as BalanceRowOut[]);
    case 'botEvents': return writeBotEvents(tx, rows as BotEventRowOut[]);
  }
}

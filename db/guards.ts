// Guards table: a guard's row (rules + live state), the watcher's batched price/peak writes announced on
// `guard_changes`, and the guard's event log (idempotent by step).
import { z } from 'zod';
import { GUARD_STATES, GuardEvent, GuardRules, type Guard, type GuardState } from '../domain/guard.js';
import { guardLevels } from '../domain/guard-math.js';
import { sql, type Db } from './pool.js';

/** Statements that end in pg_notify return one row per notice; their content does not matter. */
const Notified = z.object({}).loose();

const GuardRow = z.object({
  id: z.string(),
  userId: z.string(),
  kind: z.enum(['bot_trade', 'wallet']),
  botId: z.string().nullable(),
  tradeId: z.number().nullable(),
  exchangeAccountId: z.string().nullable(),
  exchangeId: z.string(),
  symbol: z.string(),
  entryPrice: z.number(),
  amount: z.number(),
  remaining: z.number(),
  rules: GuardRules,
  state: z.enum(GUARD_STATES),
  peak: z.number(),
  peakAt: z.string(),
  lastPrice: z.number().nullable(),
  lastPriceAt: z.string().nullable(),
  nextTarget: z.number(),
  breakEven: z.boolean(),
  lastError: z.string().nullable(),
  laggingSince: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type GuardRow = z.infer<typeof GuardRow>;

const columns = sql.fragment`id::text, user_id, kind, bot_id::text, trade_id, exchange_account_id::text, exchange_id, symbol,
  entry_price, amount, remaining, rules, state, peak, peak_at, last_price, last_price_at, next_target, break_even, last_error,
  lagging_since, created_at, updated_at`;

/** The API's view: the stop and distance follow from the row. */
export function toGuard(r: GuardRow): Guard {
  const { stop } = guardLevels(r, r.peak);
  return {
    id: r.id,
    userId: r.userId,
    target: r.kind === 'bot_trade' ? { kind: 'bot_trade', botId: r.botId!, tradeId: r.tradeId! } : { kind: 'wallet', exchangeAccountId: r.exchangeAccountId! },
    exchangeId: r.exchangeId,
    symbol: r.symbol,
    entryPrice: r.entryPrice,
    amount: r.amount,
    remaining: r.remaining,
    rules: r.rules,
    state: r.state,
    peak: r.peak,
    peakAt: r.peakAt,
    lastPrice: r.lastPrice,
    lastPriceAt: r.lastPriceAt,
    stopPrice: stop,
    distancePct: stop !== null && r.lastPrice ? Math.round(((r.lastPrice - stop) / r.lastPrice) * 10_000) / 100 : null,
    nextTarget: r.nextTarget,
    breakEven: r.breakEven,
    lastError: r.lastError,
    lagging: r.laggingSince !== null,
    laggingSince: r.laggingSince,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export interface NewGuard {
  id: string;
  userId: string;
  kind: 'bot_trade' | 'wallet';
  botId: string | null;
  tradeId: number | null;
  exchangeAccountId: string | null;
  exchangeId: string;
  symbol: string;
  entryPrice: number;
  amount: number;
  rules: GuardRules;
  /** The price when the guard starts: its first peak. */
  price: number;
  /** The task queue of the worker that runs the guard's workflow (its watcher's). */
  taskQueue: string;
}

export class GuardTargetTakenError extends Error {}

/** Idempotent by id: a retried insert returns the row the first attempt wrote. */
export async function insertGuard(db: Db, g: NewGuard): Promise<Guard> {
  try {
    const row = await db.maybeOne(sql.type(GuardRow)`
      insert into guards (id, user_id, kind, bot_id, trade_id, exchange_account_id, exchange_id, symbol, entry_price, amount,
                          remaining, rules, state, peak, peak_at, last_price, last_price_at, task_queue)
      values (${g.id}, ${g.userId}, ${g.kind}, ${g.botId}, ${g.tradeId}, ${g.exchangeAccountId}, ${g.exchangeId}, ${g.symbol},
              ${g.entryPrice}, ${g.amount}, ${g.amount}, ${sql.jsonb(g.rules)}, 'watching', ${Math.max(g.price, 0)}, now(), ${g.price}, now(),
              ${g.taskQueue})
      on conflict (id) do nothing
      returning ${columns}`);
    return toGuard(row ?? (await db.one(sql.type(GuardRow)`select ${columns} from guards where id = ${g.id}`)));
  } catch (error) {
    if ((error as { cause?: { constraint?: string } }).cause?.constraint === 'guards_one_per_trade') {
      throw new GuardTargetTakenError('this trade already has a live guard: edit that one instead');
    }
    throw error;
  }
}

/**
 * Many wallet guards in one statement (batched creation), idempotent by id: a retried batch returns the rows the first
 * attempt wrote. In the order of `rows`.
 */
export async function insertGuards(db: Db, rows: NewGuard[]): Promise<Guard[]> {
  if (rows.length === 0) return [];
  const values = rows.map((g) => [
    g.id, g.userId, g.kind, g.exchangeAccountId, g.exchangeId, g.symbol, g.entryPrice, g.amount, JSON.stringify(g.rules), Math.max(g.price, 0), g.price, g.taskQueue,
  ]);
  await db.query(sql.typeAlias('void')`
    insert into guards (id, user_id, kind, exchange_account_id, exchange_id, symbol, entry_price, amount, remaining, rules, state, peak,
                        peak_at, last_price, last_price_at, task_queue)
    select id, user_id, kind, exchange_account_id, exchange_id, symbol, entry_price, amount, amount, rules::jsonb, 'watching', peak, now(),
           price, now(), task_queue
    from ${sql.unnest(values, ['uuid', 'text', 'text', 'uuid', 'text', 'text', 'numeric', 'numeric', 'text', 'numeric', 'numeric', 'text'])}
      as t(id, user_id, kind, exchange_account_id, exchange_id, symbol, entry_price, amount, rules, peak, price, task_queue)
    on conflict (id) do nothing`);
  return findGuards(db, rows.map((r) => r.id));
}

/** The guards with these ids that exist, in the order of `ids`. */
export async function findGuards(db: Db, ids: string[]): Promise<Guard[]> {
  const found = await db.any(sql.type(GuardRow)`select ${columns} from guards where id = any(${sql.array(ids, 'uuid')})`);
  const byId = new Map(found.map((r) => [r.id, toGuard(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function findGuard(db: Db, guardId: string): Promise<Guard | null> {
  const row = await db.maybeOne(sql.type(GuardRow)`select ${columns} from guards where id = ${guardId}`);
  return row ? toGuard(row) : null;
}

export async function findGuardForUser(db: Db, userId: string, guardId: string): Promise<Guard | null> {
  if (!/^[0-9a-f-]{36}$/i.test(guardId)) return null;
  const row = await db.maybeOne(sql.type(GuardRow)`select ${columns} from guards where id = ${guardId} and user_id = ${userId}`);
  return row ? toGuard(row) : null;
}

export async function listGuards(db: Db, userId: string): Promise<Guard[]> {
  const rows = await db.any(sql.type(GuardRow)`select ${columns} from guards where user_id = ${userId} order by created_at desc limit 500`);
  return rows.map(toGuard);
}

/** What the guard's workflow decided: state, rules, ladder progress, amount left, error. */
export interface GuardDecision {
  state: GuardState;
  rules: GuardRules;
  nextTarget: number;
  breakEven: boolean;
  remaining: number;
  peak: number;
  lastError: string | null;
}

const decisionUpdate = (guardId: string, d: GuardDecision) => sql.fragment`
  update guards set state = ${d.state}, rules = ${sql.jsonb(d.rules)}, next_target = ${d.nextTarget}, break_even = ${d.breakEven},
         remaining = ${d.remaining}, last_error = ${d.lastError},
         peak = greatest(peak, ${d.peak}), lagging_since = null, updated_at = now()
  where id = ${guardId}
  returning user_id`;

/** Saves a decision of the guard's workflow, announced to the owner. */
export async function saveGuardDecision(db: Db, guardId: string, d: GuardDecision): Promise<void> {
  await db.query(sql.type(Notified)`
    with updated as (${decisionUpdate(guardId, d)})
    select pg_notify('guard_changes', user_id) from updated`);
}

/** A step's event and the decision it led to (an exit's outcome), in one statement. The event is idempotent by step. */
export async function recordGuardStep(db: Db, guardId: string, e: Omit<GuardEvent, 'at'>, d: GuardDecision): Promise<void> {
  await db.query(sql.type(Notified)`
    with event as (
      insert into guard_events (guard_id, step, kind, price, peak, amount, order_id, detail)
      values (${guardId}, ${e.step}, ${e.kind}, ${e.price}, ${e.peak}, ${e.amount}, ${e.orderId}, ${e.detail})
      on conflict (guard_id, step) do nothing),
    updated as (${decisionUpdate(guardId, d)})
    select pg_notify('guard_changes', user_id) from updated`);
}

/** The decision to exit, written by the exit itself before its order: the row shows `exiting`, at the peak judged by. */
export async function markGuardExiting(db: Db, guardId: string, peak: number): Promise<void> {
  await db.query(sql.type(Notified)`
    with updated as (
      update guards set state = 'exiting', peak = greatest(peak, ${peak}), lagging_since = null, updated_at = now()
      where id = ${guardId} and state = 'watching'
      returning user_id)
    select pg_notify('guard_changes', user_id) from updated`);
}

/**
 * The guards the watcher of `exchangeId` on `taskQueue` keeps an eye on; with `changedSince`, only rows decided since
 * then (any state).
 */
export async function watchedGuards(db: Db, exchangeId: string, taskQueue: string, changedSince?: string): Promise<GuardRow[]> {
  if (changedSince) {
    return [...(await db.any(sql.type(GuardRow)`
      select ${columns} from guards
      where exchange_id = ${exchangeId} and task_queue = ${taskQueue} and updated_at > ${changedSince}::timestamptz`))];
  }
  return [...(await db.any(sql.type(GuardRow)`
    select ${columns} from guards where exchange_id = ${exchangeId} and task_queue = ${taskQueue} and state = 'watching'`))];
}

/** Ids of the guards the watcher of `exchangeId` on `taskQueue` keeps an eye on (cheap: no rows to parse). */
export async function watchedGuardIds(db: Db, exchangeId: string, taskQueue: string): Promise<string[]> {
  return [...(await db.anyFirst(sql.type(z.object({ id: z.string() }))`
    select id::text from guards where exchange_id = ${exchangeId} and task_queue = ${taskQueue} and state = 'watching'`))];
}

/** These guards' rows (the watcher's view). */
export async function guardRows(db: Db, ids: string[]): Promise<GuardRow[]> {
  return [...(await db.any(sql.type(GuardRow)`select ${columns} from guards where id = any(${sql.array(ids, 'uuid')})`))];
}

/** The database's clock now: what `watchedGuards(…, changedSince)` compares with. */
export async function databaseNow(db: Db): Promise<string> {
  return db.oneFirst(sql.type(z.object({ now: z.string() }))`select clock_timestamp() as now`);
}
export type WatchedGuardRow = GuardRow;

/**
 * The watcher's batched writes: last price per guard, the peak it saw (never lowered), and since when the guard lags
 * (only while it still watches: its own decision clears it). One notice per owner.
 */
export async function recordGuardPrices(
  db: Db,
  rows: Array<{ id: string; price: number; at: string; peak: number; peakAt: string; laggingSince: string | null }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(sql.type(Notified)`
    with input as (
      select * from ${sql.unnest(rows.map((r) => [r.id, r.price, r.at, r.peak, r.peakAt, r.laggingSince]), ['uuid', 'numeric', 'timestamptz', 'numeric', 'timestamptz', 'timestamptz'])}
        as t(id, price, at, peak, peak_at, lagging_since)),
    updated as (
      update guards g set last_price = i.price, last_price_at = i.at,
             peak_at = case when i.peak > g.peak then i.peak_at else g.peak_at end,
             peak = greatest(g.peak, i.peak),
             lagging_since = case when g.state = 'watching' then i.lagging_since end
      from input i where g.id = i.id
      returning g.user_id)
    select pg_notify('guard_changes', user_id) from (select distinct user_id from updated) owners`);
}

/** Idempotent by (guard, step): a retried record changes nothing. */
export async function recordGuardEvent(db: Db, guardId: string, e: Omit<GuardEvent, 'at'>): Promise<void> {
  await db.query(sql.typeAlias('void')`
    insert into guard_events (guard_id, step, kind, price, peak, amount, order_id, detail)
    values (${guardId}, ${e.step}, ${e.kind}, ${e.price}, ${e.peak}, ${e.amount}, ${e.orderId}, ${e.detail})
    on conflict (guard_id, step) do nothing`);
}

export async function guardEvents(db: Db, guardId: string): Promise<GuardEvent[]> {
  return [...(await db.any(sql.type(GuardEvent)`
    select step, kind, price, peak, amount, order_id, detail, at from guard_events where guard_id = ${guardId} order by step`))];
}

// Risk guards table: the rules per bot or portfolio, the book the workflow keeps (peak equity, day start), the last
// reading and why it tripped. Every write is announced to the owner on `guard_changes`.
import { z } from 'zod';
import { RISK_STATES, RiskRules, type RiskBook, type RiskGuard, type RiskScope, type RiskState } from '../domain/risk.js';
import { sql, type Db } from './pool.js';

/** Statements that end in pg_notify return one row per notice; their content does not matter. */
const Notified = z.object({}).loose();

const RiskRow = z.object({
  id: z.string(),
  userId: z.string(),
  scopeKind: z.enum(['bot', 'portfolio']),
  botId: z.string().nullable(),
  rules: RiskRules,
  state: z.enum(RISK_STATES),
  book: z.object({ peakEquity: z.number(), day: z.string(), dayStartEquity: z.number() }).nullable(),
  lastEquity: z.number().nullable(),
  lastCheckedAt: z.string().nullable(),
  drawdownPct: z.number().nullable(),
  dailyLossPct: z.number().nullable(),
  trippedReason: z.string().nullable(),
  trippedAt: z.string().nullable(),
  createdAt: z.string(),
});
type RiskRow = z.infer<typeof RiskRow>;

const columns = sql.fragment`id::text, user_id, scope_kind, bot_id::text, rules, state, book, last_equity, last_checked_at, drawdown_pct,
  daily_loss_pct, tripped_reason, tripped_at, created_at`;

const toRiskGuard = ({ scopeKind, botId, ...r }: RiskRow): RiskGuard => ({
  ...r,
  scope: scopeKind === 'bot' ? { kind: 'bot', botId: botId! } : { kind: 'portfolio' },
});

/** Idempotent by id. */
export async function insertRiskGuard(db: Db, g: { id: string; userId: string; scope: RiskScope; rules: RiskRules }): Promise<RiskGuard> {
  const row = await db.maybeOne(sql.type(RiskRow)`
    insert into risk_guards (id, user_id, scope_kind, bot_id, rules, state)
    values (${g.id}, ${g.userId}, ${g.scope.kind}, ${g.scope.kind === 'bot' ? g.scope.botId : null}, ${sql.jsonb(g.rules)}, 'watching')
    on conflict (id) do nothing
    returning ${columns}`);
  return toRiskGuard(row ?? (await db.one(sql.type(RiskRow)`select ${columns} from risk_guards where id = ${g.id}`)));
}

export async function findRiskGuard(db: Db, id: string): Promise<RiskGuard | null> {
  const row = await db.maybeOne(sql.type(RiskRow)`select ${columns} from risk_guards where id = ${id}`);
  return row ? toRiskGuard(row) : null;
}

export async function findRiskGuardForUser(db: Db, userId: string, id: string): Promise<RiskGuard | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await db.maybeOne(sql.type(RiskRow)`select ${columns} from risk_guards where id = ${id} and user_id = ${userId}`);
  return row ? toRiskGuard(row) : null;
}

export async function listRiskGuards(db: Db, userId: string): Promise<RiskGuard[]> {
  return (await db.any(sql.type(RiskRow)`select ${columns} from risk_guards where user_id = ${userId} order by created_at desc`)).map(toRiskGuard);
}

export async function saveRiskReading(
  db: Db,
  id: string,
  r: { book: RiskBook; equity: number; drawdownPct: number; dailyLossPct: number },
): Promise<void> {
  await db.query(sql.type(Notified)`
    with updated as (
      update risk_guards set book = ${sql.jsonb(r.book)}, last_equity = ${r.equity}, last_checked_at = now(), drawdown_pct = ${r.drawdownPct},
             daily_loss_pct = ${r.dailyLossPct}, updated_at = now()
      where id = ${id} returning user_id)
    select pg_notify('guard_changes', user_id) from updated`);
}

export async function setRiskState(
  db: Db,
  id: string,
  s: { state: RiskState; rules?: RiskRules; trippedReason?: string | null; book?: RiskBook | null },
): Promise<void> {
  await db.query(sql.type(Notified)`
    with updated as (
      update risk_guards set state = ${s.state},
             rules = coalesce(${s.rules ? sql.jsonb(s.rules) : null}::jsonb, rules),
             -- A cancelled guard keeps the reason the platform ended it for (its bot deleted), if any.
             tripped_reason = case when ${s.state} in ('tripped', 'cancelled') then ${s.trippedReason ?? null} else null end,
             tripped_at = case when ${s.state} = 'tripped' then coalesce(tripped_at, now()) else null end,
             book = case when ${s.book === undefined} then book else ${s.book ? sql.jsonb(s.book) : null}::jsonb end,
             updated_at = now()
      where id = ${id} returning user_id)
    select pg_notify('guard_changes', user_id) from updated`);
}

// The fleet view's rows: each of a user's bots (live or deleted) with its ledger figures, scoped by the user's id.
import { z } from 'zod';
import { closedTradeFigures, type FleetBot } from '../domain/fleet.js';
import { sql, type Db } from './pool.js';

const Row = z.object({
  botId: z.string(), name: z.string(), status: z.string(), engine: z.string().nullable(), stakeCurrency: z.string(),
  openTrades: z.number(), profits: z.array(z.number()), lastTradeAt: z.string().nullable(),
});

/**
 * Every bot of the user and every deleted bot whose trades the ledger keeps (its owner column, migration 025), with
 * open trades, closed profits in closing order and the last trade's time; the figures are computed from those profits.
 */
export async function listFleet(db: Db, userId: string): Promise<FleetBot[]> {
  const rows = await db.any(sql.type(Row)`
    with ledger as (
      select t.bot_id, min(t.bot_name) as bot_name, split_part(min(t.pair), '/', 2) as stake_currency,
             count(*) filter (where t.is_open)::int as open_trades,
             coalesce(array_agg(t.profit_abs::float8 order by t.close_date, t.trade_id) filter (where not t.is_open and t.profit_abs is not null), '{}') as profits,
             max(coalesce(t.close_date, t.open_date)) as last_trade_at
      from bot_trades t where t.user_id = ${userId} group by t.bot_id
    )
    select coalesce(b.id, l.bot_id)::text as bot_id, coalesce(b.name, l.bot_name) as name, coalesce(b.status, 'deleted') as status,
           b.engine, coalesce(b.stake_currency, l.stake_currency) as stake_currency, coalesce(l.open_trades, 0) as open_trades,
           coalesce(l.profits, '{}') as profits, to_char(l.last_trade_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as last_trade_at
    from (select * from bots where user_id = ${userId}) b
    full join ledger l on l.bot_id = b.id
    order by b.created_at nulls last, name, bot_id`);
  return rows.map((r) => {
    const figures = closedTradeFigures(r.profits);
    return {
      botId: r.botId, name: r.name, status: r.status, engine: r.engine, stakeCurrency: r.stakeCurrency,
      openTrades: r.status === 'deleted' ? 0 : r.openTrades, closedTrades: r.profits.length, ...figures, lastTradeAt: r.lastTradeAt,
    };
  });
}

// Bot trades table (the platform's trade ledger): which bots to sync, idempotent upserts announced on `trade_changes`.
import { z } from 'zod';
import type { BotTrade } from '../domain/bot-trade.js';
import { botApiHostColumn } from './bots.js';
import { sql, type Db } from './pool.js';

export const BotToSync = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  engine: z.enum(['builtin', 'freqtrade']),
  driver: z.enum(['docker', 'process']),
  placement: z.enum(['pool', 'dedicated']),
  poolContainerKey: z.string().nullable(),
  apiHost: z.string().nullable(),
  apiPort: z.number().int(),
  apiCredentials: z.string(),
});
export type BotToSync = z.infer<typeof BotToSync>;

/** Bots whose API should answer now: the running ones (with their sealed API credentials, for activities only). */
export async function botsToSync(db: Db): Promise<readonly BotToSync[]> {
  return db.any(sql.type(BotToSync)`
    select id::text, user_id, name, engine, driver, placement, pool_container_key, ${botApiHostColumn}, api_port, api_credentials from bots where status = 'running' order by id`);
}

/** Ids of the bot's trades the ledger holds, open and closed (closed trades do not change any more). */
export async function ledgerTradeIds(db: Db, botId: string): Promise<{ open: Set<number>; closed: Set<number> }> {
  const rows = await db.any(sql.type(z.object({ tradeId: z.number(), isOpen: z.boolean() }))`
    select trade_id, is_open from bot_trades where bot_id = ${botId}`);
  return {
    open: new Set(rows.filter((r) => r.isOpen).map((r) => r.tradeId)),
    closed: new Set(rows.filter((r) => !r.isOpen).map((r) => r.tradeId)),
  };
}

export interface SyncedTrade {
  trade: BotTrade;
  /** The trade's JSON as the bot sent it. */
  raw: unknown;
}

/**
 * Inserts new trades and rewrites a known one only when a ledger column changed (a moving current price in `raw`
 * is not a change), so syncing the same trades twice writes nothing. When anything changed, `trade_changes`
 * announces `{botId, userId}` in the same transaction. Returns how many trades were inserted or changed.
 */
export async function upsertBotTrades(db: Db, bot: { id: string; userId: string }, trades: readonly SyncedTrade[]): Promise<number> {
  if (trades.length === 0) return 0;
  const rows = trades.map(({ trade: t, raw }) => [
    t.tradeId, t.pair, t.isOpen, t.amount, t.stakeAmount, t.openRate, t.closeRate, t.openDate, t.closeDate,
    t.profitAbs, t.profitRatio, t.feeOpen, t.feeClose, t.exitReason, JSON.stringify(raw),
  ]);
  return db.transaction(async (tx) => {
    const changed = await tx.oneFirst(sql.type(z.object({ changed: z.number() }))`
      with written as (
        insert into bot_trades (bot_id, trade_id, pair, is_open, amount, stake_amount, open_rate, close_rate, open_date,
                                close_date, profit_abs, profit_ratio, fee_open, fee_close, exit_reason, raw)
        select ${bot.id}, t.*
        from ${sql.unnest(rows, [
          'int4', 'text', 'bool', 'numeric', 'numeric', 'numeric', 'numeric', 'timestamptz', 'timestamptz',
          'numeric', 'numeric', 'numeric', 'numeric', 'text', 'jsonb',
        ])} as t
        on conflict (bot_id, trade_id) do update set
          pair = excluded.pair, is_open = excluded.is_open, amount = excluded.amount, stake_amount = excluded.stake_amount,
          open_rate = excluded.open_rate, close_rate = excluded.close_rate, open_date = excluded.open_date,
          close_date = excluded.close_date, profit_abs = excluded.profit_abs, profit_ratio = excluded.profit_ratio,
          fee_open = excluded.fee_open, fee_close = excluded.fee_close, exit_reason = excluded.exit_reason,
          raw = excluded.raw, synced_at = now()
        where (bot_trades.pair, bot_trades.is_open, bot_trades.amount, bot_trades.stake_amount, bot_trades.open_rate,
               bot_trades.close_rate, bot_trades.open_date, bot_trades.close_date, bot_trades.profit_abs,
               bot_trades.profit_ratio, bot_trades.fee_open, bot_trades.fee_close, bot_trades.exit_reason)
          is distinct from
              (excluded.pair, excluded.is_open, excluded.amount, excluded.stake_amount, excluded.open_rate,
               excluded.close_rate, excluded.open_date, excluded.close_date, excluded.profit_abs,
               excluded.profit_ratio, excluded.fee_open, excluded.fee_close, excluded.exit_reason)
        returning 1
      )
      select count(*)::int as changed from written`);
    if (changed > 0) {
      const payload = JSON.stringify({ botId: bot.id, userId: bot.userId });
      await tx.query(sql.type(z.object({}).loose())`select pg_notify('trade_changes', ${payload})`);
    }
    return changed;
  });
}


// A user's portfolio: loads wallets, bots, trades and prices (all scoped by user id), values them, keeps minute snapshots.
import { z } from 'zod';
import { BotTrade } from '../domain/bot-trade.js';
import { Balance } from '../domain/exchange-account.js';
import type { HistoryRange, Valuation, ValuationPoint } from '../domain/portfolio.js';
import { valuationSymbols, valuePortfolio, type BotInput, type MarketSymbol, type WalletInput } from '../domain/valuation.js';
import { pricesFor } from './market-prices.js';
import { sql, type Db } from './pool.js';

const WalletRow = z.object({ accountId: z.string(), label: z.string(), exchangeId: z.string(), balances: z.array(Balance) });
const BotRow = z.object({
  id: z.string(), name: z.string(), status: z.string(), dryRun: z.boolean(), exchange: z.string(),
  stakeAmount: z.number(), stakeCurrency: z.string(), pairs: z.array(z.string()),
});
const OpenTradeRow = BotTrade.extend({ botId: z.string() });
const ClosedRow = z.object({ botId: z.string(), botName: z.string(), exchange: z.string(), stakeCurrency: z.string(), count: z.number(), profitAbs: z.number() });

async function loadHoldings(db: Db, userId: string): Promise<{ wallets: WalletInput[]; bots: BotInput[] }> {
  const [wallets, bots, open, closed] = await Promise.all([
    db.any(sql.type(WalletRow)`
      select a.id::text as account_id, a.label, a.exchange_id, latest.balances
      from exchange_accounts a
      cross join lateral (select balances from wallet_snapshots s where s.account_id = a.id order by taken_at desc limit 1) latest
      where a.user_id = ${userId}
      order by a.created_at, a.id`),
    db.any(sql.type(BotRow)`
      select id::text, name, status, dry_run, exchange, stake_amount, stake_currency, pairs
      from bots where user_id = ${userId} order by created_at, id`),
    db.any(sql.type(OpenTradeRow)`
      select t.bot_id::text, t.trade_id, t.pair, t.is_open, t.amount, t.stake_amount, t.open_rate, t.close_rate, t.open_date,
             t.close_date, t.profit_abs, t.profit_ratio, t.fee_open, t.fee_close, t.exit_reason
      from bot_trades t join bots b on b.id = t.bot_id
      where b.user_id = ${userId} and t.is_open
      order by t.bot_id, t.trade_id`),
    // Closed trades by the ledger's own owner column: a deleted bot's realized P&L stays (db migration 22).
    db.any(sql.type(ClosedRow)`
      select t.bot_id::text, min(t.bot_name) as bot_name, min(t.exchange) as exchange,
             split_part(min(t.pair), '/', 2) as stake_currency, count(*)::int as count, coalesce(sum(t.profit_abs), 0) as profit_abs
      from bot_trades t
      where t.user_id = ${userId} and not t.is_open
      group by t.bot_id
      order by min(t.open_date), t.bot_id`),
  ]);
  const closedByBot = new Map(closed.map((c) => [c.botId, { count: c.count, profitAbs: c.profitAbs }]));
  const live = new Set(bots.map((b) => b.id));
  // A deleted bot holds nothing any more (no capital, no open trade it still manages): only what it realized counts.
  // The ledger does not say whether it traded dry-run; bots cannot trade live yet, so its profit is simulated money.
  const deleted: BotInput[] = closed.filter((c) => !live.has(c.botId)).map((c) => ({
    id: c.botId, name: c.botName, status: 'deleted', dryRun: true, exchange: c.exchange, stakeAmount: 0, stakeCurrency: c.stakeCurrency, pairs: [],
    openTrades: [], closed: { count: c.count, profitAbs: c.profitAbs },
  }));
  return {
    wallets: [...wallets],
    bots: [
      ...bots.map((b) => ({
        ...b,
        openTrades: open.filter((t) => t.botId === b.id).map(({ botId: _, ...t }) => t),
        closed: closedByBot.get(b.id) ?? { count: 0, profitAbs: 0 },
      })),
      ...deleted,
    ],
  };
}

export interface ValuedPortfolio {
  valuation: Valuation;
  /** The markets this valuation read: a price move on any of them changes it. */
  symbols: MarketSymbol[];
}

/** Values the user's portfolio now and records it as the minute's history point (at most one per user and minute). */
export async function valueUserPortfolio(db: Db, userId: string, now = new Date()): Promise<ValuedPortfolio> {
  const { wallets, bots } = await loadHoldings(db, userId);
  const symbols = valuationSymbols(wallets, bots);
  const valuation = valuePortfolio({ at: now.toISOString(), wallets, bots, prices: await pricesFor(db, symbols) });
  await recordPortfolioSnapshot(db, userId, valuation);
  return { valuation, symbols };
}

export async function recordPortfolioSnapshot(db: Db, userId: string, v: Valuation): Promise<void> {
  await db.query(sql.typeAlias('void')`
    insert into portfolio_snapshots (user_id, at, total, realized_pnl, unrealized_pnl)
    values (${userId}, date_trunc('minute', ${v.at}::timestamptz), ${v.total}, ${v.realizedPnl}, ${v.unrealizedPnl})
    on conflict (user_id, at) do nothing`);
}

/** How far back each range reaches, and the spacing of its points (the last point of each step is kept). */
const RANGES: Record<HistoryRange, { span: string; step: string }> = {
  '1h': { span: '1 hour', step: '1 minute' },
  '24h': { span: '24 hours', step: '5 minutes' },
  '7d': { span: '7 days', step: '30 minutes' },
  '30d': { span: '30 days', step: '2 hours' },
};

export async function portfolioHistory(db: Db, userId: string, range: HistoryRange): Promise<ValuationPoint[]> {
  const { span, step } = RANGES[range];
  const points = await db.any(sql.type(z.object({ at: z.string(), total: z.number() }))`
    select at, total from (
      select distinct on (bucket) at, total from (
        select date_bin(${step}::interval, at, timestamptz '2000-01-01') as bucket, at, total
        from portfolio_snapshots
        where user_id = ${userId} and at > now() - ${span}::interval
      ) stamped
      order by bucket, at desc
    ) points
    order by at`);
  return [...points];
}

/** Users who hold anything the platform values: a bot or an exchange account. */
export async function usersWithHoldings(db: Db): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ userId: z.string() }))`
    select user_id from bots where status not in ('failed', 'deleting')
    union
    select user_id from exchange_accounts
    order by user_id`);
}

/** History older than the longest range is never shown again. */
export async function prunePortfolioSnapshots(db: Db): Promise<number> {
  const result = await db.query(sql.typeAlias('void')`delete from portfolio_snapshots where at < now() - interval '31 days'`);
  return result.rowCount;
}

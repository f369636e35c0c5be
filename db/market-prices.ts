// Market prices table: the symbols the platform needs per exchange, upserts that announce only moved prices, and reads.
import { z } from 'zod';
import { priceKey, QUOTE, type MarketSymbol, type PriceBook } from '../domain/valuation.js';
import { sql, type Db } from './pool.js';

export interface Ticker {
  symbol: string;
  last: number | null;
  bid: number | null;
  ask: number | null;
  /** ISO time of the ticker. */
  at: string;
}

/** Symbols per NOTIFY: keeps each payload well under PostgreSQL's 8000-byte limit. */
const SYMBOLS_PER_NOTIFY = 200;

/**
 * What the platform must price on one exchange: running bots' pairs, pairs of open trades of any bot,
 * `<stake>/USDT` for bots staking another currency, and `<asset>/USDT` for every asset in the latest wallet
 * snapshot of each account. One query whatever the number of bots and users; the result is the symbol set.
 */
export async function neededSymbols(db: Db, exchangeId: string): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(z.object({ symbol: z.string() }))`
    select distinct symbol from (
      select unnest(pairs) as symbol from bots where exchange = ${exchangeId} and status = 'running'
      union all
      select stake_currency || ${`/${QUOTE}`} from bots
        where exchange = ${exchangeId} and status not in ('failed', 'deleting') and stake_currency <> ${QUOTE}
      union all
      select t.pair from bot_trades t join bots b on b.id = t.bot_id where t.is_open and b.exchange = ${exchangeId}
      union all
      select (balance ->> 'asset') || ${`/${QUOTE}`}
      from exchange_accounts a
      cross join lateral (select balances from wallet_snapshots s where s.account_id = a.id order by taken_at desc limit 1) latest
      cross join lateral jsonb_array_elements(latest.balances) balance
      where a.exchange_id = ${exchangeId} and balance ->> 'asset' <> ${QUOTE} and (balance ->> 'total')::numeric <> 0
    ) needed
    order by symbol`);
  return [...rows];
}

/**
 * Writes the tickers; a row is rewritten only when last, bid or ask moved, and `price_changes` announces the
 * symbols whose last price moved (`{exchangeId, symbols}`), in the same transaction. Returns those symbols.
 */
export async function upsertPrices(db: Db, exchangeId: string, tickers: readonly Ticker[]): Promise<string[]> {
  if (tickers.length === 0) return [];
  const rows = tickers.map((t) => [t.symbol, t.last, t.bid, t.ask, t.at]);
  return db.transaction(async (tx) => {
    const moved = await tx.anyFirst(sql.type(z.object({ symbol: z.string() }))`
      with incoming as (
        select * from ${sql.unnest(rows, ['text', 'numeric', 'numeric', 'numeric', 'timestamptz'])} as t(symbol, last, bid, ask, at)
      ),
      previous as (
        select symbol, last from market_prices
        where exchange_id = ${exchangeId} and symbol in (select symbol from incoming)
      ),
      written as (
        insert into market_prices (exchange_id, symbol, last, bid, ask, at)
        select ${exchangeId}, symbol, last, bid, ask, at from incoming
        on conflict (exchange_id, symbol) do update
          set last = excluded.last, bid = excluded.bid, ask = excluded.ask, at = excluded.at
          where (market_prices.last, market_prices.bid, market_prices.ask) is distinct from (excluded.last, excluded.bid, excluded.ask)
        returning symbol, last
      )
      select w.symbol from written w left join previous p using (symbol)
      where p.symbol is null or p.last is distinct from w.last
      order by w.symbol`);
    for (let i = 0; i < moved.length; i += SYMBOLS_PER_NOTIFY) {
      const payload = JSON.stringify({ exchangeId, symbols: moved.slice(i, i + SYMBOLS_PER_NOTIFY) });
      await tx.query(sql.type(z.object({}).loose())`select pg_notify('price_changes', ${payload})`);
    }
    return [...moved];
  });
}

/** Last prices of the given markets (markets never priced are simply absent). */
export async function pricesFor(db: Db, markets: readonly MarketSymbol[]): Promise<PriceBook> {
  if (markets.length === 0) return new Map();
  const rows = await db.any(sql.type(z.object({ exchangeId: z.string(), symbol: z.string(), last: z.number() }))`
    select p.exchange_id, p.symbol, p.last
    from ${sql.unnest(markets.map((m) => [m.exchangeId, m.symbol]), ['text', 'text'])} as wanted(exchange_id, symbol)
    join market_prices p using (exchange_id, symbol)
    where p.last is not null`);
  return new Map(rows.map((r) => [priceKey(r.exchangeId, r.symbol), r.last]));
}

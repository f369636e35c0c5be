-- Up Migration
-- Last known market price per exchange and symbol, written by the market feed (`market-feed:<exchangeId>`).
-- `at` is when the price last moved; an unchanged tick writes nothing.
create table market_prices (
  exchange_id text not null,
  symbol text not null,
  last numeric,
  bid numeric,
  ask numeric,
  at timestamptz not null,
  primary key (exchange_id, symbol)
);

-- The platform's trade ledger: every bot's trades as its FreqTrade API reports them (trade sync, every 10 s).
create table bot_trades (
  bot_id uuid not null references bots (id) on delete cascade,
  trade_id integer not null,
  pair text not null,
  is_open boolean not null,
  amount numeric not null,
  stake_amount numeric not null,
  open_rate numeric not null,
  close_rate numeric,
  open_date timestamptz not null,
  close_date timestamptz,
  -- Realized profit of a closed trade; null while the trade is open (unrealized profit follows the market price).
  profit_abs numeric,
  profit_ratio numeric,
  fee_open numeric,
  fee_close numeric,
  exit_reason text,
  raw jsonb not null,
  synced_at timestamptz not null default now(),
  primary key (bot_id, trade_id)
);
create index bot_trades_open on bot_trades (bot_id) where is_open;

-- A user's portfolio total over time, one point per user and minute (`at` is the minute).
create table portfolio_snapshots (
  user_id text not null references users (id) on delete cascade,
  at timestamptz not null,
  total numeric not null,
  realized_pnl numeric not null,
  unrealized_pnl numeric not null,
  primary key (user_id, at)
);

-- Down Migration
drop table portfolio_snapshots;
drop table bot_trades;
drop table market_prices;

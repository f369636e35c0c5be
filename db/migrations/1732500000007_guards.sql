-- Up Migration
-- Position guards (trailing stop + take-profit ladder), one row per guard: the rules, and the live state the guard
-- watcher keeps current (last price, the peak it checkpoints) beside what the guard's workflow decided (state, ladder).
create table guards (
  id uuid primary key,
  user_id text not null references users (id) on delete cascade,
  kind text not null check (kind in ('bot_trade', 'wallet')),
  -- No foreign keys: a guard outlives a deleted bot or account as a record (its exit then fails with the reason).
  bot_id uuid,
  trade_id integer,
  exchange_account_id uuid,
  exchange_id text not null,
  symbol text not null,
  entry_price numeric not null check (entry_price > 0),
  amount numeric not null check (amount > 0),
  remaining numeric not null check (remaining >= 0),
  rules jsonb not null,
  state text not null check (state in ('watching', 'exiting', 'exited', 'completed', 'cancelled', 'failed')),
  peak numeric not null,
  peak_at timestamptz not null,
  last_price numeric,
  last_price_at timestamptz,
  next_target integer not null default 0,
  break_even boolean not null default false,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind = 'bot_trade') = (bot_id is not null and trade_id is not null)),
  check ((kind = 'wallet') = (exchange_account_id is not null))
);
create index guards_user on guards (user_id, created_at desc);
create index guards_watched on guards (exchange_id) where state in ('watching', 'exiting');
-- One live guard per bot trade: two guards selling the same trade would race each other.
create unique index guards_one_per_trade on guards (bot_id, trade_id) where kind = 'bot_trade' and state in ('watching', 'exiting');

-- What a guard did, one row per step of its workflow (idempotent by step): exits, ladder sales, edits.
create table guard_events (
  guard_id uuid not null references guards (id) on delete cascade,
  step integer not null,
  kind text not null,
  price numeric,
  peak numeric,
  amount numeric,
  order_id text,
  detail text,
  at timestamptz not null default now(),
  primary key (guard_id, step)
);

-- Risk guards per bot or per portfolio.
create table risk_guards (
  id uuid primary key,
  user_id text not null references users (id) on delete cascade,
  scope_kind text not null check (scope_kind in ('bot', 'portfolio')),
  bot_id uuid,
  rules jsonb not null,
  state text not null check (state in ('watching', 'tripped', 'cancelled')),
  book jsonb,
  last_equity numeric,
  last_checked_at timestamptz,
  drawdown_pct numeric,
  daily_loss_pct numeric,
  tripped_reason text,
  tripped_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((scope_kind = 'bot') = (bot_id is not null))
);
create index risk_guards_user on risk_guards (user_id, created_at desc);

-- Down Migration
drop table risk_guards;
drop table guard_events;
drop table guards;

-- Up Migration
-- A user's API credentials on an exchange, and the balance snapshots the wallet sync schedule takes of it.
create table exchange_accounts (
  id uuid primary key,
  user_id text not null references users (id) on delete cascade,
  exchange_id text not null,
  label text not null,
  -- AES-256-GCM sealed JSON {apiKey, secret, passphrase?} (the key id is part of the sealed format); never returned by the API.
  credentials text not null,
  api_key_hint text not null,
  status text not null default 'active' check (status in ('active', 'paused', 'invalid_credentials', 'error')),
  sync_interval_seconds integer not null check (sync_interval_seconds between 10 and 86400),
  last_sync_at timestamptz,
  last_success_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index exchange_accounts_user_created on exchange_accounts (user_id, created_at desc);

create table wallet_snapshots (
  id bigserial primary key,
  account_id uuid not null references exchange_accounts (id) on delete cascade,
  taken_at timestamptz not null default now(),
  balances jsonb not null,
  open_orders jsonb not null
);
-- Serves "the latest snapshot of an account" and time ranges of one account's history.
create index wallet_snapshots_account_taken on wallet_snapshots (account_id, taken_at desc);

-- Every new snapshot is announced so the server can push the owner's portfolio over SSE.
create function notify_wallet_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('wallet_changes', json_build_object(
    'accountId', new.account_id,
    'userId', (select user_id from exchange_accounts where id = new.account_id))::text);
  return null;
end $$;
create trigger wallet_snapshots_notify after insert on wallet_snapshots
  for each row execute function notify_wallet_change();

-- Down Migration
drop trigger wallet_snapshots_notify on wallet_snapshots;
drop function notify_wallet_change();
drop table wallet_snapshots;
drop table exchange_accounts;

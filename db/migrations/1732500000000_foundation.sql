-- Up Migration
create table users (
  id text primary key,
  email text not null,
  password_hash text not null,
  is_operator boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index users_email_unique on users (lower(email));

-- lucia's PostgreSQL adapter reads and writes this table.
create table user_sessions (
  id text primary key,
  expires_at timestamptz not null,
  user_id text not null references users (id) on delete cascade
);
create index user_sessions_user on user_sessions (user_id);

-- Failed sign-ins, kept in the database so the limit holds across server processes.
create table signin_failures (
  key text not null,
  failed_at timestamptz not null default now()
);
create index signin_failures_key on signin_failures (key, failed_at);

create table bots (
  id uuid primary key,
  user_id text not null references users (id) on delete cascade,
  name text not null,
  exchange text not null,
  pairs text[] not null,
  stake_amount numeric not null check (stake_amount > 0),
  stake_currency text not null,
  dry_run boolean not null,
  engine text not null,
  status text not null check (status in ('provisioning', 'running', 'stopping', 'stopped', 'starting', 'deleting', 'failed')),
  driver text not null check (driver in ('docker', 'process')),
  runtime_id text,
  api_port integer not null unique check (api_port between 1 and 65535),
  -- AES-256-GCM sealed JSON {username, password, jwtSecret}; never returned by the API.
  api_credentials text not null,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index bots_user_created on bots (user_id, created_at desc);

-- Every change to a bot is announced so the server can push it to the owner's SSE streams.
create function notify_bot_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('bot_changes', json_build_object(
    'id', coalesce(new.id, old.id),
    'userId', coalesce(new.user_id, old.user_id),
    'op', lower(tg_op))::text);
  return null;
end $$;
create trigger bots_notify after insert or update or delete on bots
  for each row execute function notify_bot_change();

-- Facts the worker publishes for the server and dashboard (for example which bot runtime driver is active).
create table platform_facts (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

-- Down Migration
drop table platform_facts;
drop trigger bots_notify on bots;
drop function notify_bot_change();
drop table bots;
drop table signin_failures;
drop table user_sessions;
drop table users;

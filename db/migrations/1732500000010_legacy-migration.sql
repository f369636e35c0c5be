-- Up Migration
-- The MongoDB → PostgreSQL migration (`migration:<runId>`): every migrated row remembers the legacy document it came
-- from (`legacy_id`, the ObjectId in hex), so a repeated batch is an upsert that changes nothing.
alter table users add column legacy_id text unique;
alter table exchange_accounts add column legacy_id text unique;
alter table strategy_versions add column legacy_id text unique;
alter table bots add column legacy_id text unique;
alter table bot_trades add column legacy_id text unique;
alter table wallet_snapshots add column legacy_id text unique;

-- What happened to a bot, as the legacy platform recorded it (and the platform records from now on).
create table bot_events (
  id bigserial primary key,
  bot_id uuid not null references bots (id) on delete cascade,
  at timestamptz not null,
  kind text not null,
  message text not null default '',
  legacy_id text unique
);
create index bot_events_bot_at on bot_events (bot_id, at desc);

-- One row per migration run; `dual_write` is what every platform write path reads to decide whether to mirror into MongoDB.
create table migration_runs (
  id text primary key,
  workflow_id text not null,
  phase text not null,
  status text not null check (status in ('running', 'paused', 'aborted', 'completed', 'failed')),
  dual_write boolean not null default false,
  mapping_version integer not null,
  started_by text,
  error text,
  archived_as jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
-- At most one run is active at a time: two backfills of the same tables would fight over the same rows.
create unique index migration_runs_one_active on migration_runs ((true)) where status in ('running', 'paused');

-- Per-collection progress, written in the same transaction as each batch (so it is exactly what was committed).
create table migration_collections (
  run_id text not null references migration_runs (id) on delete cascade,
  collection text not null,
  target text not null,
  position integer not null,
  state text not null default 'pending' check (state in ('pending', 'copying', 'copied', 'verifying', 'verified', 'archived')),
  source_count bigint,
  copied bigint not null default 0,
  quarantined bigint not null default 0,
  recopied_ranges integer not null default 0,
  last_id text,
  started_at timestamptz,
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (run_id, collection)
);

-- Each committed batch is a range of `_id`s with the source's count and checksum; verification compares PostgreSQL to it.
create table migration_ranges (
  run_id text not null references migration_runs (id) on delete cascade,
  collection text not null,
  seq integer not null,
  first_id text not null,
  last_id text not null,
  source_count integer not null,
  source_checksum text not null,
  verified boolean not null default false,
  primary key (run_id, collection, seq)
);

-- Documents that could not be mapped: kept whole with the reason, never dropped silently.
create table migration_quarantine (
  id bigserial primary key,
  run_id text not null references migration_runs (id) on delete cascade,
  collection text not null,
  legacy_id text not null,
  reason text not null,
  document jsonb not null,
  at timestamptz not null default now(),
  unique (run_id, collection, legacy_id)
);

-- Down Migration
drop table migration_quarantine;
drop table migration_ranges;
drop table migration_collections;
drop table migration_runs;
drop table bot_events;
alter table wallet_snapshots drop column legacy_id;
alter table bot_trades drop column legacy_id;
alter table bots drop column legacy_id;
alter table strategy_versions drop column legacy_id;
alter table exchange_accounts drop column legacy_id;
alter table users drop column legacy_id;

-- Up Migration
-- Container pools. The pool scaler workflow (`pool:<id>`) owns placement; these tables are its projection for the API,
-- the dashboard and the activities that write a pool container's bot list.
create table pools (
  id text primary key,
  task_queue text not null,
  settings jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table pool_containers (
  key text primary key,
  pool_id text not null references pools (id) on delete cascade,
  host text not null,
  status text not null check (status in ('starting', 'ready', 'draining', 'dead')),
  memory_bytes bigint,
  memory_limit_bytes bigint,
  cpu_percent double precision,
  stats_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index pool_containers_pool on pool_containers (pool_id);

-- `pool`: the bot runs in a shared container of its pool; `dedicated`: a container (or process) of its own.
alter table bots add column placement text not null default 'dedicated' check (placement in ('pool', 'dedicated'));
alter table bots add column pool_id text references pools (id) on delete set null;
-- The container the pool placed the bot in (no foreign key: the bot keeps its key while a dead container is replaced).
alter table bots add column pool_container_key text;
-- Whether the bot should run in its container now (started) or only keep its place there (stopped).
alter table bots add column pool_attached boolean not null default false;
create index bots_pool_container on bots (pool_container_key) where pool_container_key is not null;

-- Down Migration
drop index bots_pool_container;
alter table bots drop column pool_attached;
alter table bots drop column pool_container_key;
alter table bots drop column pool_id;
alter table bots drop column placement;
drop table pool_containers;
drop table pools;

-- Up Migration
-- Immutable strategy versions; a bot pins one. Bundled strategies have no owner.
create table strategy_versions (
  id uuid primary key,
  user_id text references users (id) on delete cascade,
  name text not null,
  engine text not null check (engine in ('builtin', 'freqtrade')),
  content text not null,
  content_hash text not null,
  author text not null,
  note text not null default '',
  created_at timestamptz not null default now()
);
create unique index strategy_versions_owner_hash on strategy_versions (coalesce(user_id, ''), content_hash);

-- The strategy a bot runs; existing bots (created before strategies existed) get it when they are next provisioned.
alter table bots add column strategy_version_id uuid references strategy_versions (id);

-- Down Migration
alter table bots drop column strategy_version_id;
drop table strategy_versions;

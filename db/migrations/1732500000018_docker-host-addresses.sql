-- Up Migration
-- Each Docker host's worker registers the address its pooled bots answer on (BOT_API_ADDRESS); a pooled bot carries the
-- address of its container's host, so the platform reaches it wherever the pool placed it.
create table docker_hosts (
  name text primary key,
  api_address text not null,
  updated_at timestamptz not null default now()
);
-- Null: the platform's BOT_API_HOST (dedicated bots, and pooled bots before placement).
alter table bots add column api_host text;

-- Down Migration
alter table bots drop column api_host;
drop table docker_hosts;

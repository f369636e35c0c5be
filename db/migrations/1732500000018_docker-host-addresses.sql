-- Up Migration
-- Each Docker host's worker registers the address its pooled bots answer on (BOT_API_ADDRESS); a pooled bot is reached
-- at the address of its container's host (db/bots.ts botApiHostColumn), wherever the pool placed it.
create table docker_hosts (
  name text primary key,
  api_address text not null,
  updated_at timestamptz not null default now()
);

-- Down Migration
drop table docker_hosts;

-- Up Migration
-- Who asked for each new bot, guard, risk guard and exchange account, written by the API (which knows the signed-in
-- user) before it starts the workflow. The workflow's activities take the owner from here, never from the workflow's
-- input, so a workflow started directly in Temporal with another user's id finds no request and does nothing.
create table owner_requests (
  entity_id text primary key,
  kind text not null check (kind in ('bot', 'guard', 'risk', 'exchange_account')),
  user_id text not null references users (id) on delete cascade,
  created_at timestamptz not null default now()
);

-- Down Migration
drop table owner_requests;

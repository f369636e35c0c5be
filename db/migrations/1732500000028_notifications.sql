-- Up Migration
-- The notification center: what happened that a user (user_id set) or every operator (user_id null) should know.
-- `source_key` makes a delivery idempotent: Alertmanager resends the same alert, the platform records it once.
create table notifications (
  id bigserial primary key,
  user_id text references users (id) on delete cascade,
  kind text not null,
  severity text not null check (severity in ('info', 'warning', 'critical')),
  title text not null,
  body text not null default '',
  bot_id uuid,
  source_key text not null,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create unique index notifications_source on notifications (coalesce(user_id, ''), source_key);
create index notifications_user_created on notifications (user_id, created_at desc);

-- Down Migration
drop table notifications;

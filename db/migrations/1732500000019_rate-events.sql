-- Up Migration
-- Rate-limited actions (failed sign-ins, sign-ups, strategy uploads), one row per counted event, per key. A limiter
-- locks its keys (advisory, per transaction), counts and inserts in one transaction, so concurrent requests cannot all
-- pass before the first one is counted. Replaces signin_failures (its rows are short-lived: none are carried over).
create table rate_events (
  id bigserial primary key,
  key text not null,
  at timestamptz not null default now()
);
create index rate_events_key on rate_events (key, at);
drop table signin_failures;

-- Down Migration
drop table rate_events;
create table signin_failures (
  key text not null,
  failed_at timestamptz not null default now()
);
create index signin_failures_key on signin_failures (key, failed_at);

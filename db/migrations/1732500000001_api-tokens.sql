-- Up Migration
-- Personal API tokens for scripts: only a SHA-256 of the token is stored; the token itself is shown once.
create table api_tokens (
  id uuid primary key,
  user_id text not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);
create index api_tokens_user on api_tokens (user_id);

-- Down Migration
drop table api_tokens;

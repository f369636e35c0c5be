-- Up Migration
-- OpenID Connect sign-in (docs/sign-in.md): an account may have no password (it signs in with a provider), identities
-- link a provider's (issuer, subject) to one account, and a login attempt lives from the start route to its callback.
alter table users alter column password_hash drop not null;

create table user_identities (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  issuer text not null,
  subject text not null,
  -- The provider's verified email when linked, shown on the settings page.
  email text,
  created_at timestamptz not null default now(),
  unique (issuer, subject)
);
create index user_identities_user on user_identities (user_id);

-- Only hashes: the state travels in the callback URL, nonce and PKCE verifier are derived from the httpOnly cookie of
-- the browser that started. A row is deleted when its callback arrives, so a replayed callback finds nothing.
create table oidc_login_attempts (
  state_hash text primary key,
  nonce_hash text not null,
  verifier_hash text not null,
  -- Set when a signed-in user links a provider; null for a sign-in.
  link_user_id text references users (id) on delete cascade,
  expires_at timestamptz not null
);
create index oidc_login_attempts_expiry on oidc_login_attempts (expires_at);

-- Down Migration
drop table oidc_login_attempts;
drop table user_identities;
-- Fails while accounts without a password exist: they would have no way to sign in; delete or give them passwords first.
alter table users alter column password_hash set not null;

-- Up Migration
-- API tokens get scopes and an expiry. Tokens made before scopes existed keep working as they did for the usual
-- script (read and trade, never operator) and expire 90 days after this migration, so a forgotten one does not live on.
alter table api_tokens
  add column scopes text[] not null default '{read}',
  add column expires_at timestamptz;
update api_tokens set scopes = '{read,trade}', expires_at = now() + interval '90 days';
alter table api_tokens
  alter column expires_at set not null,
  add constraint api_tokens_scopes_known check (scopes <@ array['read', 'trade', 'operator']::text[] and cardinality(scopes) > 0);

-- Down Migration
alter table api_tokens drop constraint api_tokens_scopes_known, drop column expires_at, drop column scopes;

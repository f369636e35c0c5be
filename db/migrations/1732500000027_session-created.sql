-- Up Migration
-- When each session began, for the settings page's session list. Sessions from before stay without one (shown as
-- unknown) rather than pretending they began now.
alter table user_sessions add column created_at timestamptz;
alter table user_sessions alter column created_at set default now();

-- Down Migration
alter table user_sessions drop column created_at;

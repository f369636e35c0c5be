-- Up Migration
-- Where a user's notifications are delivered besides the notification center: a webhook (signed with the user's
-- secret) and a Telegram chat. `secrets` is sealed JSON ({ webhookSecret?, telegramToken? }), bound to this row.
create table notification_channels (
  id uuid primary key,
  user_id text not null unique references users (id) on delete cascade,
  webhook_url text,
  telegram_chat_id text,
  secrets text not null default '',
  updated_at timestamptz not null default now()
);

-- Down Migration
drop table notification_channels;

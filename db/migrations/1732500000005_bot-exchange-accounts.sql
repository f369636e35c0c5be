-- Up Migration
-- A live bot trades on one of its owner's exchange accounts; an account in use cannot be deleted.
alter table bots add column exchange_account_id uuid references exchange_accounts (id) on delete restrict;
create index bots_exchange_account on bots (exchange_account_id) where exchange_account_id is not null;

-- Down Migration
alter table bots drop column exchange_account_id;

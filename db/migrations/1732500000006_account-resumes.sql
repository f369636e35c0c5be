-- Up Migration
-- When the owner last resumed the account: a wallet sync that started before it must not pause the account again
-- (its failure is about the key as it was then).
alter table exchange_accounts add column resumed_at timestamptz;

-- Down Migration
alter table exchange_accounts drop column resumed_at;

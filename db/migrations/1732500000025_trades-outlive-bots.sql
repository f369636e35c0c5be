-- Up Migration
-- A deleted bot's trades stay in the ledger: its realized P&L is the user's money history, not the bot's. The ledger
-- row carries its owner, the bot's name and its exchange itself (filled from the bot on insert, whichever writer inserts:
-- trade sync or the legacy migration), so the portfolio still finds, names and prices the trades once the bot is gone.
alter table bot_trades add column user_id text references users (id) on delete cascade;
alter table bot_trades add column bot_name text;
alter table bot_trades add column exchange text;
update bot_trades t set user_id = b.user_id, bot_name = b.name, exchange = b.exchange from bots b where b.id = t.bot_id;
alter table bot_trades alter column user_id set not null;
alter table bot_trades alter column bot_name set not null;
alter table bot_trades alter column exchange set not null;
alter table bot_trades drop constraint bot_trades_bot_id_fkey;
create index bot_trades_user on bot_trades (user_id, bot_id);

create function bot_trades_owner() returns trigger language plpgsql as $$
begin
  if new.user_id is null or new.bot_name is null or new.exchange is null then
    select b.user_id, b.name, b.exchange into strict new.user_id, new.bot_name, new.exchange from bots b where b.id = new.bot_id;
  end if;
  return new;
end $$;
create trigger bot_trades_owner before insert on bot_trades for each row execute function bot_trades_owner();

-- Down Migration
drop trigger bot_trades_owner on bot_trades;
drop function bot_trades_owner();
delete from bot_trades t where not exists (select 1 from bots b where b.id = t.bot_id);
alter table bot_trades add constraint bot_trades_bot_id_fkey foreign key (bot_id) references bots (id) on delete cascade;
drop index bot_trades_user;
alter table bot_trades drop column exchange;
alter table bot_trades drop column bot_name;
alter table bot_trades drop column user_id;

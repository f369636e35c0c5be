-- Up Migration
-- What a pooled FreqTrade bot's pool container says of its process, recorded by the Docker host each pool cycle: how
-- many times the pool restarted it in its current container, and why it last ended (with FreqTrade's own error line,
-- secrets masked). Null where not tracked (builtin and dedicated bots, before the first observation).
alter table bots add column pool_restarts integer, add column pool_last_exit text;

-- Down Migration
alter table bots drop column pool_last_exit, drop column pool_restarts;

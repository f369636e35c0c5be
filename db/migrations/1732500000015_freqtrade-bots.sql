-- Up Migration
-- The FreqTrade release a `freqtrade` bot runs (its image is tradefleet/freqtrade:<version>); null for builtin bots.
alter table bots add column freqtrade_version text;
alter table bots add constraint bots_freqtrade_version check ((engine = 'freqtrade') = (freqtrade_version is not null));

-- Down Migration
alter table bots drop constraint bots_freqtrade_version;
alter table bots drop column freqtrade_version;

-- Up Migration
-- A bot the pool scaler is moving between containers: no container's bot list names it until its saved state arrived
-- in the new container (written with the placements, in one transaction; see db/pools.ts).
alter table bots add column pool_moving boolean not null default false;

-- Down Migration
alter table bots drop column pool_moving;

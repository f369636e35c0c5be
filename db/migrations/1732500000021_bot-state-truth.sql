-- Up Migration
-- One truth for a pooled bot's state: `running` means attached to a pool container (its bot host runs it), and a
-- `stopped` or `failed` bot is attached nowhere. Every write that changes one of these changes the others in the same
-- statement (db/bots.ts, db/pools.ts); this check makes any other combination impossible, whatever crashes when.
-- `unreachable_since`: when the fleet reconciler first found a bot's API not answering (null while it answers).
alter table bots add column unreachable_since timestamptz;
update bots set status = 'starting', last_error = 'lost its place in the pool; the reconciler places it again', updated_at = now()
  where placement = 'pool' and status = 'running' and not (pool_attached and pool_container_key is not null);
update bots set pool_attached = false where placement = 'pool' and status in ('stopped', 'failed') and pool_attached;
alter table bots add constraint bots_pool_state_agrees check (
  placement <> 'pool'
  or (status = 'running' and pool_attached and pool_container_key is not null)
  or (status in ('stopped', 'failed') and not pool_attached)
  or status not in ('running', 'stopped', 'failed'));

-- Down Migration
alter table bots drop constraint bots_pool_state_agrees;
alter table bots drop column unreachable_since;

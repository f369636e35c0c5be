-- Up Migration
-- The platform (its Temporal task queue) that created a bot: its fleet reconciler watches only its own bots, so
-- platforms sharing a database (tests, a staging next to production) never ping, restart or fail each other's.
-- Bots from before this change belong to their pool's platform, else to the default queue `tradefleet`.
alter table bots add column task_queue text;
update bots b set task_queue = coalesce((select p.task_queue from pools p where p.id = b.pool_id), 'tradefleet');
create index bots_task_queue_status on bots (task_queue, status);

-- Down Migration
drop index bots_task_queue_status;
alter table bots drop column task_queue;

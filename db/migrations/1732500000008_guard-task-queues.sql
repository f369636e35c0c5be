-- Up Migration
-- The task queue whose worker runs a guard: each queue's watcher prices only its own guards (two deployments or test
-- runs sharing a database, with exchanges of the same id, must not price each other's guards).
alter table guards add column task_queue text not null default '';
drop index guards_watched;
create index guards_watched on guards (exchange_id, task_queue) where state in ('watching', 'exiting');

-- Down Migration
drop index guards_watched;
create index guards_watched on guards (exchange_id) where state in ('watching', 'exiting');
alter table guards drop column task_queue;

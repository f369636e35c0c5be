-- Up Migration
-- Since when the guard's watcher has wanted it to act (stop crossed, target reached) while the guard has not taken it:
-- set by the watcher's batched price writes when signals to the guard's workflow fail or wait, cleared by the guard's
-- next decision. The API shows it as the guard's `lagging` flag.
alter table guards add column lagging_since timestamptz;

-- Down Migration
alter table guards drop column lagging_since;

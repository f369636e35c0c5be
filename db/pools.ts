// Pools and their containers: the projection of each pool scaler workflow's state (it writes here after every change),
// read by the API and the dashboard, and by the activity that writes a pool container's list of bots.
import { z } from 'zod';
import type { PoolSettings, PoolState, PoolView } from '../domain/pool.js';

export type { PoolBotView, PoolContainerView, PoolView } from '../domain/pool.js';
import { sql, type Db } from './pool.js';

const Notice = z.object({}).loose();

/** Writes the pool's state: settings, containers, and which container each of its bots is placed in. */
export async function savePoolState(db: Db, taskQueue: string, state: PoolState): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(sql.typeAlias('void')`
      insert into pools (id, task_queue, settings) values (${state.poolId}, ${taskQueue}, ${sql.jsonb(state.settings as never)})
      on conflict (id) do update set settings = excluded.settings, task_queue = excluded.task_queue, updated_at = now()`);
    const keys = state.containers.map((c) => c.key);
    await tx.query(sql.typeAlias('void')`
      delete from pool_containers where pool_id = ${state.poolId} and not (key = any(${sql.array(keys, 'text')}))`);
    // One statement for every container (a pool of a thousand bots has dozens), written only where something changed.
    if (state.containers.length) {
      await tx.query(sql.typeAlias('void')`
        insert into pool_containers (key, pool_id, host, status)
        select c.key, ${state.poolId}, c.host, c.status
        from ${sql.unnest(state.containers.map((c) => [c.key, c.host, c.status]), ['text', 'text', 'text'])} as c(key, host, status)
        on conflict (key) do update set host = excluded.host, status = excluded.status,
          updated_at = case when pool_containers.status = excluded.status then pool_containers.updated_at else now() end
        where pool_containers.host is distinct from excluded.host or pool_containers.status is distinct from excluded.status`);
    }
    const placements = state.containers.flatMap((c) => Object.keys(c.bots).map((botId) => ({ botId, key: c.key })));
    const ids = placements.map((p) => p.botId);
    await tx.query(sql.typeAlias('void')`
      update bots set pool_container_key = p.key, pool_id = ${state.poolId}, updated_at = now()
      from unnest(${sql.array(ids, 'uuid')}, ${sql.array(placements.map((p) => p.key), 'text')}) as p(bot_id, key)
      where bots.id = p.bot_id and bots.pool_container_key is distinct from p.key`);
    await tx.query(sql.typeAlias('void')`
      update bots set pool_container_key = null, pool_attached = false, pool_moving = false, updated_at = now(),
        -- A running bot that lost its place is not running: it says so in the same write, and the reconciler places it again.
        -- (A bot that left the pool for a container of its own, a FreqTrade release move, runs there: only its place goes.)
        status = case when status = 'running' and placement = 'pool' then 'starting' else status end,
        last_error = case when status = 'running' and placement = 'pool' then 'lost its place in the pool; being placed again' else last_error end
      where pool_id = ${state.poolId} and pool_container_key is not null and not (id = any(${sql.array(ids, 'uuid')}))`);
    // In the same transaction as the placements: a bot list read under the container lock sees a moving bot in its new
    // container and flagged, or not there at all.
    await tx.query(sql.typeAlias('void')`
      update bots set pool_moving = (id = any(${sql.array(state.moving ?? [], 'uuid')}))
      where pool_id = ${state.poolId} and pool_moving is distinct from (id = any(${sql.array(state.moving ?? [], 'uuid')}))`);
    await tx.query(sql.type(Notice)`select pg_notify('pool_changes', ${state.poolId})`);
  });
}

export interface ContainerStats {
  key: string;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  cpuPercent: number | null;
}

export async function savePoolStats(db: Db, poolId: string, stats: readonly ContainerStats[]): Promise<void> {
  if (stats.length === 0) return;
  await db.transaction(async (tx) => {
    for (const s of stats) {
      await tx.query(sql.typeAlias('void')`
        update pool_containers set memory_bytes = ${s.memoryBytes}, memory_limit_bytes = ${s.memoryLimitBytes},
          cpu_percent = ${s.cpuPercent}, stats_at = now()
        where key = ${s.key} and pool_id = ${poolId}`);
    }
    await tx.query(sql.type(Notice)`select pg_notify('pool_changes', ${poolId})`);
  });
}

const PoolRow = z.object({ id: z.string(), taskQueue: z.string(), settings: z.record(z.string(), z.unknown()), updatedAt: z.string() });
const ContainerRow = z.object({
  key: z.string(),
  poolId: z.string(),
  host: z.string(),
  status: z.enum(['starting', 'ready', 'draining', 'dead']),
  memoryBytes: z.coerce.number().nullable(),
  memoryLimitBytes: z.coerce.number().nullable(),
  cpuPercent: z.number().nullable(),
  statsAt: z.string().nullable(),
});
const PooledBotRow = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  pairs: z.array(z.string()),
  poolId: z.string().nullable(),
  poolContainerKey: z.string().nullable(),
  poolAttached: z.boolean(),
  ownerEmail: z.string(),
});

/** Pools with their containers and the bots in each (for operators). */
/** Pools with their containers and bots; `only` narrows to one pool and/or one deployment's task queue. */
export async function listPools(db: Db, only: { poolId?: string; taskQueue?: string } = {}): Promise<PoolView[]> {
  const byId = only.poolId === undefined ? sql.fragment`true` : sql.fragment`id = ${only.poolId}`;
  const byQueue = only.taskQueue === undefined ? sql.fragment`true` : sql.fragment`task_queue = ${only.taskQueue}`;
  const pools = await db.any(sql.type(PoolRow)`
    select id, task_queue, settings, updated_at from pools where ${byId} and ${byQueue} order by id`);
  if (pools.length === 0) return [];
  const ids = pools.map((p) => p.id);
  const containers = await db.any(sql.type(ContainerRow)`
    select key, pool_id, host, status, memory_bytes, memory_limit_bytes, cpu_percent, stats_at
    from pool_containers where pool_id = any(${sql.array(ids, 'text')}) order by created_at, key`);
  const bots = await db.any(sql.type(PooledBotRow)`
    select b.id::text, b.name, b.status, b.pairs, b.pool_id, b.pool_container_key, b.pool_attached, u.email as owner_email
    from bots b join users u on u.id = b.user_id
    where b.pool_id = any(${sql.array(ids, 'text')}) and b.pool_container_key is not null order by b.name, b.id`);
  return pools.map((p) => ({
    id: p.id,
    taskQueue: p.taskQueue,
    settings: p.settings as unknown as PoolSettings,
    updatedAt: p.updatedAt,
    containers: containers
      .filter((c) => c.poolId === p.id)
      .map((c) => ({
        key: c.key, host: c.host, status: c.status, memoryBytes: c.memoryBytes, memoryLimitBytes: c.memoryLimitBytes,
        cpuPercent: c.cpuPercent, statsAt: c.statsAt,
        bots: bots.filter((b) => b.poolContainerKey === c.key)
          .map((b) => ({ botId: b.id, name: b.name, status: b.status, attached: b.poolAttached, ownerEmail: b.ownerEmail })),
      })),
  }));
}

export interface BotPlacement {
  placement: 'pool' | 'dedicated';
  poolId: string | null;
  containerKey: string | null;
  host: string | null;
  attached: boolean;
}

export async function findBotPlacement(db: Db, botId: string): Promise<BotPlacement | null> {
  return db.maybeOne(sql.type(z.object({
    placement: z.enum(['pool', 'dedicated']), poolId: z.string().nullable(), containerKey: z.string().nullable(),
    host: z.string().nullable(), attached: z.boolean(),
  }))`
    select b.placement, b.pool_id, b.pool_container_key as container_key, c.host, b.pool_attached as attached
    from bots b left join pool_containers c on c.key = b.pool_container_key where b.id = ${botId}`);
}

// The attach flag and the status change together (see the check bots_pool_state_agrees): a running bot that is
// detached is stopped in the same write, and a stopped or failed bot is never attached (a late placement leaves it).
const detachedStatus = (attached: boolean | ReturnType<typeof sql.fragment>) =>
  sql.fragment`case when not ${attached} and b.status = 'running' then 'stopped' else b.status end`;
const attachable = (attached: boolean | ReturnType<typeof sql.fragment>) =>
  sql.fragment`(not ${attached} or b.status not in ('stopped', 'failed'))`;

/** Sets the flag and returns its value before (false for a bot that is gone or that may not be attached). */
export async function setPoolAttached(db: Db, botId: string, attached: boolean): Promise<boolean> {
  const before = await db.maybeOneFirst(sql.type(z.object({ was: z.boolean() }))`
    update bots b set pool_attached = ${attached}, status = ${detachedStatus(attached)}, updated_at = now()
    from (select id, pool_attached as was from bots where id = ${botId} for update) old
    where b.id = old.id and ${attachable(attached)} returning old.was`);
  return before ?? false;
}

/** Sets the flags of many bots in one statement; returns each bot's value before (bots that are gone are left out). */
export async function setPoolAttachedMany(db: Db, changes: ReadonlyArray<{ botId: string; attached: boolean }>): Promise<Record<string, boolean>> {
  if (changes.length === 0) return {};
  const rows = await db.any(sql.type(z.object({ id: z.string(), was: z.boolean() }))`
    update bots b set pool_attached = w.attached, status = ${detachedStatus(sql.fragment`w.attached`)}, updated_at = now()
    from (select o.id, o.pool_attached as was, c.attached
          from ${sql.unnest(changes.map((c) => [c.botId, c.attached]), ['uuid', 'bool'])} as c(id, attached)
          join bots o on o.id = c.id order by o.id for update of o) w
    where b.id = w.id and ${attachable(sql.fragment`w.attached`)} returning b.id::text as id, w.was`);
  return Object.fromEntries(rows.map((r) => [r.id, r.was]));
}

/** Serializes writers of one container's bot list (bot workflows and the pool scaler may write it at once). */
/** `fn` gets the bots the container should run and the transaction to read anything else with (slonik refuses the pool
 * inside a transaction). */
export async function withContainerLock<T>(db: Db, key: string, fn: (ids: readonly string[], tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(sql.type(z.object({}).loose())`select pg_advisory_xact_lock(hashtext(${`pool-container:${key}`}))`);
    const ids = await tx.anyFirst(sql.type(z.object({ id: z.string() }))`
      select id::text from bots where pool_container_key = ${key} and pool_attached and not pool_moving order by api_port`);
    // The transaction answers the same query methods the table modules use.
    return fn(ids, tx as unknown as Db);
  });
}

/** Bots placed in a pool's containers, with their engine and pair count (their declared size derives from them). */
export async function placedBotSizes(db: Db, poolId: string) {
  return db.any(sql.type(z.object({ id: z.string(), containerKey: z.string(), pairCount: z.number(), engine: z.enum(['builtin', 'freqtrade']) }))`
    select id::text, pool_container_key as container_key, cardinality(pairs) as pair_count, engine
    from bots where pool_id = ${poolId} and pool_container_key is not null`);
}

/** Records where a Docker host's pooled bots answer (its worker calls this as it starts; see botApiHostColumn). */
export async function registerDockerHost(db: Db, name: string, apiAddress: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    insert into docker_hosts (name, api_address) values (${name}, ${apiAddress})
    on conflict (name) do update set api_address = excluded.api_address, updated_at = now()`);
}

/** The bots the pool containers of one Docker host run now (their gateway's routes, activities/bot-gateway.ts). */
export async function placedBotsOnHost(db: Db, host: string) {
  return db.any(sql.type(z.object({ botId: z.string(), apiPort: z.number(), key: z.string() }))`
    select b.id::text as bot_id, b.api_port, b.pool_container_key as key
    from bots b join pool_containers c on c.key = b.pool_container_key
    where c.host = ${host} and b.pool_attached and not b.pool_moving`);
}

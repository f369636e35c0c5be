// What the fleet reconciler reads: one platform's bots that should be running, and which Docker labels still name
// something of this database (a bot, a user, a pool container), so only true leftovers are swept.
import { z } from 'zod';
import { botApiHostColumn } from './bots.js';
import { BotToSync } from './bot-trades.js';
import { sql, type Db } from './pool.js';

export const BotToWatch = BotToSync.extend({
  status: z.string(),
  updatedAt: z.string(),
  unreachableSince: z.string().nullable(),
});
export type BotToWatch = z.infer<typeof BotToWatch>;

/** The platform's bots that claim to run or are coming up again (with their sealed API credentials, activities only). */
export async function botsToWatch(db: Db, taskQueue: string): Promise<readonly BotToWatch[]> {
  return db.any(sql.type(BotToWatch)`
    select id::text, user_id, name, engine, driver, placement, pool_container_key, ${botApiHostColumn}, api_port, api_credentials,
      status, updated_at, unreachable_since
    from bots where task_queue = ${taskQueue} and status in ('running', 'starting') order by id`);
}

/** Of `ids`, the bots that have a row (any platform's: a row anywhere means the container is not a leftover). */
export async function existingBotIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const uuids = ids.filter((id) => z.string().uuid().safeParse(id).success);
  const rows = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
    select id::text from bots where id = any(${sql.array(uuids, 'uuid')})`);
  return new Set(rows);
}

/** Of `ids`, the users of this database: a container labelled with another user belongs to another deployment. */
export async function existingUserIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const rows = await db.anyFirst(sql.type(z.object({ id: z.string() }))`select id from users where id = any(${sql.array([...ids], 'text')})`);
  return new Set(rows);
}

/** The container keys the pool scaler of `poolId` knows (its saved state). */
export async function knownPoolContainerKeys(db: Db, poolId: string): Promise<Set<string>> {
  const rows = await db.anyFirst(sql.type(z.object({ key: z.string() }))`select key from pool_containers where pool_id = ${poolId}`);
  return new Set(rows);
}

/** The Docker hosts of the platform's pool (where its sweeps run); none without a pool. */
export async function poolHostsOf(db: Db, taskQueue: string): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(z.object({ hosts: z.array(z.string()) }))`
    select coalesce(array(select jsonb_array_elements_text(settings -> 'hosts')), '{}') as hosts from pools where task_queue = ${taskQueue}`);
  return [...new Set(rows.flat())];
}

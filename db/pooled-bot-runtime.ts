// What a pooled FreqTrade bot's pool container says of its process (bots.pool_restarts, bots.pool_last_exit): written
// by its Docker host each pool cycle, read by the bot's health wait and shown with the bot.
import { z } from 'zod';
import { sql, type Db } from './pool.js';

export interface PooledBotRuntime {
  id: string;
  restarts: number | null;
  lastExit: string | null;
}

const Row = z.object({ id: z.string(), restarts: z.number().int().nullable(), lastExit: z.string().nullable() });

/** The bots placed in container `key`, with what was last recorded of their processes. */
export async function pooledBotRuntimesIn(db: Db, key: string): Promise<readonly PooledBotRuntime[]> {
  return db.any(sql.type(Row)`
    select id::text, pool_restarts as restarts, pool_last_exit as last_exit from bots where pool_container_key = ${key}`);
}

/** The recorded restarts of a bot's process in its current container; null where not tracked. */
export async function pooledBotRuntimeOf(db: Db, botId: string): Promise<PooledBotRuntime | null> {
  return db.maybeOne(sql.type(Row)`select id::text, pool_restarts as restarts, pool_last_exit as last_exit from bots where id = ${botId}`);
}

/** Records what container `key` says of a bot, only while the bot is still placed there (a move may have taken it). */
export async function recordPooledBotRuntime(db: Db, botId: string, key: string, restarts: number, lastExit: string | null): Promise<void> {
  await db.query(sql.typeAlias('void')`
    update bots set pool_restarts = ${restarts}, pool_last_exit = ${lastExit} where id = ${botId} and pool_container_key = ${key}`);
}

// Small facts one process publishes for the others (the worker's bot driver, for the dashboard).
import { z } from 'zod';
import { sql, type Db } from './pool.js';

export async function publishFact(db: Db, key: string, value: unknown): Promise<void> {
  await db.query(sql.typeAlias('void')`
    insert into platform_facts (key, value) values (${key}, ${sql.jsonb(value as never)})
    on conflict (key) do update set value = excluded.value, updated_at = now()`);
}

export async function readFact<T>(db: Db, key: string, schema: z.ZodType<T>): Promise<T | null> {
  const value = await db.maybeOneFirst(sql.type(z.object({ value: z.unknown() }))`select value from platform_facts where key = ${key}`);
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The bot runtime driver of the workers on a task queue (each task queue is one platform). */
export const botDriverFact = (taskQueue: string): string => `bot_driver:${taskQueue}`;

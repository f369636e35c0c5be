// Who asked for a new bot, guard, risk guard or exchange account: written by the API, read by the workflow's activities.
import { z } from 'zod';
import { sql, type Db } from './pool.js';

export type OwnedKind = 'bot' | 'guard' | 'risk' | 'exchange_account';

/** Records that the signed-in user asked for this entity; the same request again changes nothing. */
export async function recordOwnerRequest(db: Db, kind: OwnedKind, entityId: string, userId: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    insert into owner_requests (entity_id, kind, user_id) values (${entityId}, ${kind}, ${userId}) on conflict (entity_id) do nothing`);
}

/** The user who asked for this entity through the API, or null when nobody did. */
export async function requestedOwner(db: Db, kind: OwnedKind, entityId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ userId: z.string() }))`
    select user_id from owner_requests where entity_id = ${entityId} and kind = ${kind}`);
}

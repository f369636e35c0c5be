// Who asked for a new bot, guard, risk guard or exchange account: written by the API, read by the workflow's activities.
import { z } from 'zod';
import { sql, type Db } from './pool.js';

export type OwnedKind = 'bot' | 'guard' | 'risk' | 'exchange_account';

/** Records that the signed-in user asked for this entity; the same request again changes nothing. */
export async function recordOwnerRequest(db: Db, kind: OwnedKind, entityId: string, userId: string): Promise<void> {
  await db.query(sql.typeAlias('void')`
    insert into owner_requests (entity_id, kind, user_id) values (${entityId}, ${kind}, ${userId}) on conflict (entity_id) do nothing`);
}

/** Records one request for many entities of a kind (batched creation), in one statement. */
export async function recordOwnerRequests(db: Db, kind: OwnedKind, entityIds: string[], userId: string): Promise<void> {
  if (entityIds.length === 0) return;
  await db.query(sql.typeAlias('void')`
    insert into owner_requests (entity_id, kind, user_id)
    select id, ${kind}, ${userId} from unnest(${sql.array(entityIds, 'text')}::text[]) as t(id)
    on conflict (entity_id) do nothing`);
}

/** Of these entities, the ones this user asked for through the API. */
export async function requestedBy(db: Db, kind: OwnedKind, entityIds: string[], userId: string): Promise<Set<string>> {
  const rows = await db.anyFirst(sql.type(z.object({ entityId: z.string() }))`
    select entity_id from owner_requests where entity_id = any(${sql.array(entityIds, 'text')}) and kind = ${kind} and user_id = ${userId}`);
  return new Set(rows);
}

/** The user who asked for this entity through the API, or null when nobody did. */
export async function requestedOwner(db: Db, kind: OwnedKind, entityId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ userId: z.string() }))`
    select user_id from owner_requests where entity_id = ${entityId} and kind = ${kind}`);
}

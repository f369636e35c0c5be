// The owner of what an activity acts on comes from the database: the API's request for a new entity, or the rows themselves.
import { ApplicationFailure } from '@temporalio/common';
import { requestedOwner, type OwnedKind } from '../db/owner-requests.js';
import type { Db } from '../db/pool.js';
import { OWNER_REFUSED } from '../domain/owner.js';

export { OWNER_REFUSED };

const NAMES: Record<OwnedKind, string> = { bot: 'bot', guard: 'guard', risk: 'risk guard', exchange_account: 'exchange account' };

/**
 * The owner of a new entity as the API recorded it. A workflow whose input names another user (or that the API never
 * started) fails here, before anything is read from or sent to a bot or an exchange.
 */
export async function confirmedOwner(db: Db, kind: OwnedKind, entityId: string, claimedUserId: string): Promise<string> {
  const owner = await requestedOwner(db, kind, entityId);
  if (owner === null || owner !== claimedUserId) {
    throw ApplicationFailure.create({
      type: OWNER_REFUSED,
      message: `${NAMES[kind]} ${entityId} was not requested through the API by the user this workflow names: nothing was done`,
      nonRetryable: true,
    });
  }
  return owner;
}

/** Two rows that must belong to the same user (a guard and the account it sells on) do not: refuse to act. */
export function assertSameOwner(what: string, ownerOfActor: string, ownerOfTarget: string): void {
  if (ownerOfActor !== ownerOfTarget) {
    throw ApplicationFailure.create({ type: OWNER_REFUSED, message: `${what} belongs to another user: nothing was done`, nonRetryable: true });
  }
}

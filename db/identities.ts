// Provider identities linked to users, and the OpenID Connect login attempts that lead to them (hashes only).
import { z } from 'zod';
import { Identity } from '../domain/identity.js';
import { sql, type Db } from './pool.js';

const columns = sql.fragment`id, issuer, email, created_at`;

/** Ten minutes from the start route to the callback; later the attempt is gone. */
export const LOGIN_ATTEMPT_MINUTES = 10;

export interface LoginAttempt {
  stateHash: string;
  nonceHash: string;
  verifierHash: string;
  linkUserId: string | null;
}

const LoginAttemptRow = z.object({ stateHash: z.string(), nonceHash: z.string(), verifierHash: z.string(), linkUserId: z.string().nullable() });

/** Records a started attempt, dropping expired ones on the way so the table stays small. */
export async function insertLoginAttempt(db: Db, attempt: LoginAttempt): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(sql.typeAlias('void')`delete from oidc_login_attempts where expires_at < now()`);
    await tx.query(sql.typeAlias('void')`
      insert into oidc_login_attempts (state_hash, nonce_hash, verifier_hash, link_user_id, expires_at)
      values (${attempt.stateHash}, ${attempt.nonceHash}, ${attempt.verifierHash}, ${attempt.linkUserId},
              now() + make_interval(mins => ${LOGIN_ATTEMPT_MINUTES}))`);
  });
}

/** Deletes and returns the unexpired attempt with this state: one callback uses it, a replay finds nothing. */
export async function takeLoginAttempt(db: Db, stateHash: string): Promise<LoginAttempt | null> {
  return db.maybeOne(sql.type(LoginAttemptRow)`
    delete from oidc_login_attempts where state_hash = ${stateHash} and expires_at >= now()
    returning state_hash, nonce_hash, verifier_hash, link_user_id`);
}

export class IdentityTakenError extends Error {
  constructor() {
    super('this provider account is already linked to a tradefleet account');
  }
}

/** The user an identity belongs to, or null when the provider's account is not linked yet. */
export async function findIdentityUser(db: Db, issuer: string, subject: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ userId: z.string() }))`
    select user_id from user_identities where issuer = ${issuer} and subject = ${subject}`);
}

/** Links the identity to the user; false when this (issuer, subject) is already linked (to anyone). */
export async function insertIdentity(
  db: Db,
  identity: { id: string; userId: string; issuer: string; subject: string; email: string | null },
): Promise<boolean> {
  const row = await db.maybeOne(sql.type(z.object({ id: z.string() }))`
    insert into user_identities (id, user_id, issuer, subject, email)
    values (${identity.id}, ${identity.userId}, ${identity.issuer}, ${identity.subject}, ${identity.email})
    on conflict (issuer, subject) do nothing
    returning id`);
  return row !== null;
}

export async function listIdentities(db: Db, userId: string): Promise<readonly Identity[]> {
  return db.any(sql.type(Identity)`select ${columns} from user_identities where user_id = ${userId} order by created_at`);
}

export type UnlinkResult = 'unlinked' | 'not_found' | 'last_way_in';

/**
 * Unlinks one of the user's identities unless it is their last way to sign in (no password and no other identity).
 * The user's row is locked, so two unlinks racing cannot each see the other identity and leave none.
 */
export async function deleteIdentity(db: Db, userId: string, identityId: string): Promise<UnlinkResult> {
  return db.transaction(async (tx) => {
    const hasPassword = await tx.maybeOneFirst(sql.type(z.object({ has: z.boolean() }))`
      select password_hash is not null as has from users where id = ${userId} for update`);
    const ids = await tx.anyFirst(sql.type(z.object({ id: z.string() }))`select id from user_identities where user_id = ${userId}`);
    if (!ids.includes(identityId)) return 'not_found';
    if (!hasPassword && ids.length === 1) return 'last_way_in';
    await tx.query(sql.typeAlias('void')`delete from user_identities where id = ${identityId} and user_id = ${userId}`);
    return 'unlinked';
  });
}

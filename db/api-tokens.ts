// Personal API tokens: stored as SHA-256 hashes, listed and revoked by their owner only.
import { z } from 'zod';
import { sql, type Db } from './pool.js';

export const ApiToken = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
export type ApiToken = z.infer<typeof ApiToken>;

const TokenOwner = z.object({ id: z.string(), email: z.string(), isOperator: z.boolean() });

export async function insertApiToken(db: Db, token: { id: string; userId: string; name: string; tokenHash: string }): Promise<ApiToken> {
  return db.one(sql.type(ApiToken)`
    insert into api_tokens (id, user_id, name, token_hash) values (${token.id}, ${token.userId}, ${token.name}, ${token.tokenHash})
    returning id::text, name, created_at, last_used_at`);
}

export async function listApiTokens(db: Db, userId: string): Promise<readonly ApiToken[]> {
  return db.any(sql.type(ApiToken)`
    select id::text, name, created_at, last_used_at from api_tokens where user_id = ${userId} order by created_at desc`);
}

export async function deleteApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  if (!z.string().uuid().safeParse(id).success) return false;
  const deleted = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    delete from api_tokens where id = ${id} and user_id = ${userId} returning id::text`);
  return deleted !== null;
}

/** The token's owner, marking the token used. */
export async function findUserByTokenHash(db: Db, tokenHash: string): Promise<z.infer<typeof TokenOwner> | null> {
  return db.maybeOne(sql.type(TokenOwner)`
    with used as (update api_tokens set last_used_at = now() where token_hash = ${tokenHash} returning user_id)
    select u.id, u.email, u.is_operator from users u join used on used.user_id = u.id`);
}

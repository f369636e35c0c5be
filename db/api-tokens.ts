// Personal API tokens: stored as SHA-256 hashes with their scopes and expiry, listed and revoked by their owner only.
import { z } from 'zod';
import { ApiToken, TokenScope } from '../domain/api-token.js';
import { sql, type Db } from './pool.js';

const columns = sql.fragment`id::text, name, scopes, created_at, expires_at, last_used_at`;

/** Who a token acts for and what it may do; `expired` tokens are found so the answer can say why they fail. */
const TokenGrant = z.object({
  id: z.string(),
  email: z.string(),
  isOperator: z.boolean(),
  scopes: z.array(TokenScope),
  expired: z.boolean(),
});
export type TokenGrant = z.infer<typeof TokenGrant>;

export async function insertApiToken(
  db: Db,
  token: { id: string; userId: string; name: string; tokenHash: string; scopes: readonly string[]; expiresInDays: number },
): Promise<ApiToken> {
  return db.one(sql.type(ApiToken)`
    insert into api_tokens (id, user_id, name, token_hash, scopes, expires_at)
    values (${token.id}, ${token.userId}, ${token.name}, ${token.tokenHash}, ${sql.array(token.scopes, 'text')},
            now() + make_interval(days => ${token.expiresInDays}))
    returning ${columns}`);
}

export async function listApiTokens(db: Db, userId: string): Promise<readonly ApiToken[]> {
  return db.any(sql.type(ApiToken)`select ${columns} from api_tokens where user_id = ${userId} order by created_at desc`);
}

export async function deleteApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  if (!z.string().uuid().safeParse(id).success) return false;
  const deleted = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    delete from api_tokens where id = ${id} and user_id = ${userId} returning id::text`);
  return deleted !== null;
}

/** The token's owner and scopes; a live token is marked used, an expired one is only reported. */
export async function findTokenGrant(db: Db, tokenHash: string): Promise<TokenGrant | null> {
  return db.maybeOne(sql.type(TokenGrant)`
    with found as (select id, user_id, scopes, expires_at <= now() as expired from api_tokens where token_hash = ${tokenHash}),
    used as (update api_tokens t set last_used_at = now() from found where t.id = found.id and not found.expired)
    select u.id, u.email, u.is_operator, found.scopes, found.expired from users u join found on found.user_id = u.id`);
}

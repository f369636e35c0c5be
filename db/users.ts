// Users table: sign-up (with a password, or with a provider's identity), look-up by email or id, password changes.
import { z } from 'zod';
import { IdentityTakenError, insertIdentity } from './identities.js';
import { mirrorWrite, type DualWriteSink } from './legacy-mirror.js';
import { sql, type Db } from './pool.js';

export const UserRow = z.object({
  id: z.string(),
  email: z.string(),
  /** Null for an account that signs in only with a provider (docs/sign-in.md). */
  passwordHash: z.string().nullable(),
  isOperator: z.boolean(),
  createdAt: z.string(),
  /** Set on users the legacy migration brought over (or mirrored into MongoDB). */
  legacyId: z.string().nullable().default(null),
});
export type UserRow = z.infer<typeof UserRow>;

export class EmailTakenError extends Error {
  constructor() {
    super('an account with this email already exists');
  }
}

interface NewUser {
  id: string;
  email: string;
  passwordHash: string | null;
}

/**
 * Inserts the user; the very first user becomes the operator. One statement decides it without a race: concurrent
 * first sign-ups all try to claim the `first_operator` fact, its primary key lets exactly one of them win.
 */
async function insertUserRow(db: Db, user: NewUser): Promise<UserRow> {
  const row = await db.maybeOne(sql.type(UserRow)`
    with claim as (
      insert into platform_facts (key, value)
      select 'first_operator', to_jsonb(${user.id}::text)
      where not exists (select 1 from users)
      on conflict (key) do nothing
      returning key
    )
    insert into users (id, email, password_hash, is_operator)
    values (${user.id}, ${user.email}, ${user.passwordHash}, exists (select 1 from claim))
    on conflict do nothing
    returning *`);
  if (!row) throw new EmailTakenError();
  return row;
}

export async function insertUser(db: Db, dualWrite: DualWriteSink | null, user: NewUser & { passwordHash: string }): Promise<UserRow> {
  const row = await insertUserRow(db, user);
  await mirrorWrite(db, dualWrite, { entity: 'users', id: row.id });
  return row;
}

/**
 * A new account without a password, signed in by the provider's identity: user and identity in one transaction, so a
 * race with another sign-in of the same identity leaves one account, not an account nobody can reach.
 */
export async function insertUserWithIdentity(
  db: Db,
  dualWrite: DualWriteSink | null,
  user: Omit<NewUser, 'passwordHash'>,
  identity: { id: string; issuer: string; subject: string },
): Promise<UserRow> {
  const row = await db.transaction(async (tx) => {
    const inserted = await insertUserRow(tx as unknown as Db, { ...user, passwordHash: null });
    const linked = await insertIdentity(tx as unknown as Db, { ...identity, userId: inserted.id, email: user.email });
    if (!linked) throw new IdentityTakenError();
    return inserted;
  });
  await mirrorWrite(db, dualWrite, { entity: 'users', id: row.id });
  return row;
}

/** A new password hash for the user, mirrored while a migration run has dual-write on. */
export async function setPasswordHash(db: Db, dualWrite: DualWriteSink | null, userId: string, passwordHash: string): Promise<void> {
  await db.query(sql.typeAlias('void')`update users set password_hash = ${passwordHash} where id = ${userId}`);
  await mirrorWrite(db, dualWrite, { entity: 'users', id: userId });
}

/** Grants the operator role (Temporal UI codec access); null when no user has this email. */
export async function makeOperator(db: Db, email: string): Promise<UserRow | null> {
  return db.maybeOne(sql.type(UserRow)`update users set is_operator = true where lower(email) = lower(${email}) returning *`);
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  return db.maybeOne(sql.type(UserRow)`select * from users where lower(email) = lower(${email})`);
}

export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  return db.maybeOne(sql.type(UserRow)`select * from users where id = ${id}`);
}



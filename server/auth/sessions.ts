// Sessions through lucia v3 (maintenance mode): the only module that imports it, so it can be swapped alone. The
// cookie holds a random token; the database holds only its SHA-256 (lucia's later guidance), so a read of the sessions
// table does not hand out live sessions.
import { createHash } from 'node:crypto';
import { NodePostgresAdapter } from '@lucia-auth/adapter-postgresql';
import { generateIdFromEntropySize, Lucia } from 'lucia';
import type pg from 'pg';

/** The stored session id of a cookie's token. db/migrations/…_session-hashes.sql hashes older ids the same way. */
export const sessionIdOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface SessionUser {
  id: string;
  email: string;
  isOperator: boolean;
}

export interface Sessions {
  create(userId: string): Promise<string>;
  /** The session's user and stored id (the token's hash), and a refreshed cookie when lucia extended the session. */
  validate(cookieHeader: string | undefined): Promise<{ user: SessionUser; sessionId: string; refreshedCookie: string | null } | null>;
  invalidate(sessionId: string): Promise<void>;
  invalidateAllFor(userId: string): Promise<void>;
  /** The user's unexpired sessions, newest first: stored id (the token's hash), start (null before it was recorded) and expiry. */
  listFor(userId: string): Promise<StoredSession[]>;
  blankCookie(): string;
}

export interface StoredSession {
  sessionId: string;
  createdAt: Date | null;
  expiresAt: Date;
}

interface DatabaseUserAttributes {
  email: string;
  is_operator: boolean;
}

const makeLucia = (pool: pg.Pool, secure: boolean) =>
  new Lucia(new NodePostgresAdapter(pool, { user: 'users', session: 'user_sessions' }), {
    sessionCookie: { name: 'tf_session', attributes: { secure, sameSite: 'lax' } },
    getUserAttributes: (a: DatabaseUserAttributes) => ({ email: a.email, isOperator: a.is_operator }),
  });

export function createSessions(pool: pg.Pool, options: { secure: boolean }): Sessions {
  const lucia = makeLucia(pool, options.secure);
  return {
    async create(userId) {
      // 25 bytes of entropy, base32: what lucia's own session ids were, now kept only in the cookie.
      const token = generateIdFromEntropySize(25);
      await lucia.createSession(userId, {}, { sessionId: sessionIdOf(token) });
      return lucia.createSessionCookie(token).serialize();
    },
    async validate(cookieHeader) {
      const token = lucia.readSessionCookie(cookieHeader ?? '');
      if (!token) return null;
      const { session, user } = await lucia.validateSession(sessionIdOf(token));
      if (!session || !user) return null;
      return {
        user: { id: user.id, email: user.email, isOperator: user.isOperator },
        sessionId: session.id,
        refreshedCookie: session.fresh ? lucia.createSessionCookie(token).serialize() : null,
      };
    },
    invalidate: (sessionId) => lucia.invalidateSession(sessionId),
    invalidateAllFor: (userId) => lucia.invalidateUserSessions(userId),
    async listFor(userId) {
      const { rows } = await pool.query<{ id: string; created_at: Date | null; expires_at: Date }>(
        'select id, created_at, expires_at from user_sessions where user_id = $1 and expires_at > now() order by created_at desc nulls last, expires_at desc',
        [userId],
      );
      return rows.map((r) => ({ sessionId: r.id, createdAt: r.created_at, expiresAt: r.expires_at }));
    },
    blankCookie: () => lucia.createBlankSessionCookie().serialize(),
  };
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof makeLucia>;
    DatabaseUserAttributes: DatabaseUserAttributes;
  }
}

// Sessions through lucia v3 (maintenance mode): the only module that imports it, so it can be swapped alone.
import { NodePostgresAdapter } from '@lucia-auth/adapter-postgresql';
import { Lucia } from 'lucia';
import type pg from 'pg';

export interface SessionUser {
  id: string;
  email: string;
  isOperator: boolean;
}

export interface Sessions {
  create(userId: string): Promise<string>;
  /** The session's user, and a refreshed cookie when lucia extended the session. */
  validate(cookieHeader: string | undefined): Promise<{ user: SessionUser; sessionId: string; refreshedCookie: string | null } | null>;
  invalidate(sessionId: string): Promise<void>;
  invalidateAllFor(userId: string): Promise<void>;
  blankCookie(): string;
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
      const session = await lucia.createSession(userId, {});
      return lucia.createSessionCookie(session.id).serialize();
    },
    async validate(cookieHeader) {
      const id = lucia.readSessionCookie(cookieHeader ?? '');
      if (!id) return null;
      const { session, user } = await lucia.validateSession(id);
      if (!session || !user) return null;
      return {
        user: { id: user.id, email: user.email, isOperator: user.isOperator },
        sessionId: session.id,
        refreshedCookie: session.fresh ? lucia.createSessionCookie(session.id).serialize() : null,
      };
    },
    invalidate: (sessionId) => lucia.invalidateSession(sessionId),
    invalidateAllFor: (userId) => lucia.invalidateUserSessions(userId),
    blankCookie: () => lucia.createBlankSessionCookie().serialize(),
  };
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof makeLucia>;
    DatabaseUserAttributes: DatabaseUserAttributes;
  }
}

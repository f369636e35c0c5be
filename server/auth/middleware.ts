// Request guards: the signed-in user from the session cookie, and the origin check on state-changing requests.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TokenScope } from '../../domain/api-token.js';
import { HttpError } from '../errors.js';
import { assertScope, type ScopeGuard } from './scopes.js';
import type { Sessions, SessionUser } from './sessions.js';

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser;
    sessionId?: string;
    /** Authenticated by a personal API token (a script), not by a browser session. */
    viaToken?: boolean;
    /** What that token may do (`requireScope`); unset for sessions. */
    tokenScopes?: readonly TokenScope[];
  }
}

export function loadSession(sessions: Sessions): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.user) return next();
    const found = await sessions.validate(req.headers.cookie);
    if (found) {
      req.user = found.user;
      req.sessionId = found.sessionId;
      if (found.refreshedCookie) res.append('Set-Cookie', found.refreshedCookie);
    }
    next();
  };
}

export const requireUser: RequestHandler = (req, _res, next) => {
  if (!req.user) throw new HttpError(401, 'unauthenticated', 'sign in first');
  next();
};

/**
 * Operator-only routes (pools, migrations, the Temporal payload codec): 401 to nobody signed in, 403 naming what needs
 * the operator role to a signed-in user without it, and to a token without the `operator` scope. One guard, so every operator endpoint refuses the same way.
 */
export function requireOperator(what: string): ScopeGuard {
  const guard: RequestHandler = (req, _res, next) => {
    if (!req.user) throw new HttpError(401, 'unauthenticated', 'sign in as an operator first');
    if (!req.user.isOperator) throw new HttpError(403, 'forbidden', `only operators may ${what}`);
    // A token needs the operator scope as well as an operator owner.
    assertScope(req, 'operator');
    next();
  };
  return Object.assign(guard, { scope: 'operator' as const });
}

export function currentUser(req: Request): SessionUser {
  if (!req.user) throw new HttpError(401, 'unauthenticated', 'sign in first');
  return req.user;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Cookie-authenticated writes must come from an allowed origin (CSRF defence beside SameSite=Lax). */
export function checkOrigin(allowed: ReadonlySet<string>): RequestHandler {
  return (req, _res, next) => {
    // Bearer tokens are not sent by browsers on their own, so they cannot be forged cross-site.
    if (SAFE.has(req.method) || req.headers.authorization?.startsWith('Bearer ')) return next();
    const origin = req.headers.origin;
    if (!origin || !allowed.has(origin)) {
      throw new HttpError(403, 'forbidden_origin', `requests that change state must come from the dashboard (origin ${origin ?? 'missing'} is not allowed)`);
    }
    next();
  };
}

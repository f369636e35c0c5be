// Every API route declares what it needs: a token scope, a browser session, or nothing; one guard enforces it.
import type { Request, RequestHandler } from 'express';
import { hasScope, type RouteScope, type TokenScope } from '../../domain/api-token.js';
import { HttpError } from '../errors.js';

/**
 * A route guard that carries its scope, so the OpenAPI test can read what each registered route demands. Its params
 * are left open so a route's own handler still gets the params typed from its path.
 */
export type ScopeGuard = RequestHandler<any> & { scope: RouteScope };

const insufficient = (scope: TokenScope) =>
  new HttpError(403, 'insufficient_scope', `this API token lacks the "${scope}" scope; create a token with it`, undefined, {
    'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"`,
  });

/** Throws unless the request may use `scope`: a session may use every scope (operator routes check the role too). */
export function assertScope(req: Request, scope: TokenScope): void {
  if (req.viaToken && !hasScope(req.tokenScopes ?? [], scope)) throw insufficient(scope);
}

/**
 * `read`, `trade`, `operator`: a signed-in user, and for a token that scope (403 naming it otherwise). `session`: a
 * browser session only (tokens cannot manage tokens or passwords). `public`: anyone.
 */
export function requireScope(scope: RouteScope): ScopeGuard {
  const guard: RequestHandler = (req, _res, next) => {
    if (scope === 'public') return next();
    if (!req.user) throw new HttpError(401, 'unauthenticated', 'sign in first, or send an API token');
    if (scope === 'session') {
      if (req.viaToken) throw new HttpError(403, 'session_required', 'API tokens cannot do this; sign in to the dashboard');
    } else {
      assertScope(req, scope);
    }
    next();
  };
  return Object.assign(guard, { scope });
}

// Bearer authentication with personal API tokens (`tf_...`), for scripts; such requests skip the origin check.
import { createHash, randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { findTokenGrant } from '../../db/api-tokens.js';
import type { Db } from '../../db/pool.js';
import { HttpError } from '../errors.js';

export const TOKEN_PREFIX = 'tf_';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const newToken = (): string => `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

const bearerChallenge = (error: string) => ({ 'WWW-Authenticate': `Bearer error="${error}"` });

/**
 * Reads `Authorization: Bearer tf_...`; a present but unknown, revoked or expired token is a 401, never a silent
 * fallback to the cookie. What the token may do is left on the request for `requireScope`.
 */
export function loadApiToken(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return next();
    const token = header.slice('Bearer '.length).trim();
    const grant = token.startsWith(TOKEN_PREFIX) ? await findTokenGrant(db, hashToken(token)) : null;
    if (!grant) throw new HttpError(401, 'unauthenticated', 'the API token is unknown or revoked', undefined, bearerChallenge('invalid_token'));
    if (grant.expired) {
      throw new HttpError(401, 'token_expired', 'the API token has expired; create a new one on the dashboard\'s Tokens page', undefined, bearerChallenge('invalid_token'));
    }
    req.user = { id: grant.id, email: grant.email, isOperator: grant.isOperator };
    req.viaToken = true;
    req.tokenScopes = grant.scopes;
    next();
  };
}

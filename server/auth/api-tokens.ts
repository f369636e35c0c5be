// Bearer authentication with personal API tokens (`tf_...`), for scripts; such requests skip the origin check.
import { createHash, randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { findUserByTokenHash } from '../../db/api-tokens.js';
import type { Db } from '../../db/pool.js';
import { HttpError } from '../errors.js';

export const TOKEN_PREFIX = 'tf_';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const newToken = (): string => `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

/** Reads `Authorization: Bearer tf_...`; a present but unknown token is a 401, never a silent fallback. */
export function loadApiToken(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return next();
    const token = header.slice('Bearer '.length).trim();
    const user = token.startsWith(TOKEN_PREFIX) ? await findUserByTokenHash(db, hashToken(token)) : null;
    if (!user) throw new HttpError(401, 'unauthenticated', 'the API token is unknown or revoked');
    req.user = user;
    req.viaToken = true;
    next();
  };
}

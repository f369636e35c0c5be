// /api/tokens: create (secret shown once), list and revoke personal API tokens; only a browser session may.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { NewTokenInput } from '../../domain/api-token.js';
import { deleteApiToken, insertApiToken, listApiTokens } from '../../db/api-tokens.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import { hashToken, newToken } from '../auth/api-tokens.js';
import { requireScope } from '../auth/scopes.js';
import { HttpError, notFound } from '../errors.js';

export function tokensRouter(db: Db): Router {
  const router = Router();
  // A token that could mint tokens would outlive its own revocation through what it minted.
  router.get('/', requireScope('session'), async (req, res) => {
    res.json({ tokens: await listApiTokens(db, currentUser(req).id) });
  });
  router.post('/', requireScope('session'), async (req, res) => {
    const input = NewTokenInput.parse(req.body);
    const user = currentUser(req);
    if (input.scopes.includes('operator') && !user.isOperator) {
      throw new HttpError(403, 'forbidden', 'only operators may create tokens with the operator scope', 'scopes');
    }
    const token = newToken();
    const saved = await insertApiToken(db, { id: randomUUID(), userId: user.id, name: input.name, tokenHash: hashToken(token), scopes: input.scopes, expiresInDays: input.expiresInDays });
    res.status(201).json({ token: { ...saved, secret: token } });
  });
  router.delete('/:id', requireScope('session'), async (req, res) => {
    if (!(await deleteApiToken(db, currentUser(req).id, req.params.id!))) throw notFound('token');
    res.status(204).end();
  });
  return router;
}

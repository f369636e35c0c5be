// /api/tokens: create (shown once), list and revoke personal API tokens.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { deleteApiToken, insertApiToken, listApiTokens } from '../../db/api-tokens.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import { hashToken, newToken } from '../auth/api-tokens.js';
import { notFound } from '../errors.js';

const NewToken = z.object({ name: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters') }).strict();

export function tokensRouter(db: Db): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json({ tokens: await listApiTokens(db, currentUser(req).id) });
  });
  router.post('/', async (req, res) => {
    const { name } = NewToken.parse(req.body);
    const token = newToken();
    const saved = await insertApiToken(db, { id: randomUUID(), userId: currentUser(req).id, name, tokenHash: hashToken(token) });
    res.status(201).json({ token: { ...saved, secret: token } });
  });
  router.delete('/:id', async (req, res) => {
    if (!(await deleteApiToken(db, currentUser(req).id, req.params.id!))) throw notFound('token');
    res.status(204).end();
  });
  return router;
}

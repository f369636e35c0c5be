// /api/strategies: the bundled strategies and the user's own immutable versions; new versions are validated first.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { parseStrategy } from '../../domain/strategy.js';
import { CreateStrategyVersionInput, canonicalJson, contentHash } from '../../domain/strategy-version.js';
import type { Db } from '../../db/pool.js';
import { findStrategyVersionForUser, insertStrategyVersion, listStrategyVersionsForUser } from '../../db/strategies.js';
import { currentUser } from '../auth/middleware.js';
import { HttpError, notFound } from '../errors.js';

export function strategiesRouter(db: Db): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json({ strategies: await listStrategyVersionsForUser(db, currentUser(req).id) });
  });

  router.get('/:id', async (req, res) => {
    const found = await findStrategyVersionForUser(db, currentUser(req).id, req.params.id!);
    if (!found) throw notFound('strategy');
    const { content, ...version } = found;
    res.json({ strategy: { ...version, content: found.engine === 'builtin' ? JSON.parse(content) : content } });
  });

  router.post('/', async (req, res) => {
    const user = currentUser(req);
    const input = CreateStrategyVersionInput.parse(req.body);
    if (input.engine !== 'builtin') {
      throw new HttpError(400, 'invalid_input', 'engine: only builtin strategies can be uploaded yet', 'engine');
    }
    const parsed = parseStrategy(typeof input.content === 'string' ? safeJson(input.content) : input.content);
    if (!parsed.success) {
      const first = parsed.issues[0]!;
      throw new HttpError(400, 'invalid_input', `content.${first}`, `content.${first.split(':')[0]}`);
    }
    const content = canonicalJson(parsed.data);
    const version = await insertStrategyVersion(db, {
      id: randomUUID(), userId: user.id, name: parsed.data.name, engine: 'builtin', content,
      contentHash: contentHash('builtin', content), author: user.email, note: input.note,
    });
    res.status(201).json({ strategy: version });
  });

  return router;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_input', 'content: is not valid JSON', 'content');
  }
}

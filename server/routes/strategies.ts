// /api/strategies: the bundled strategies and the user's own immutable versions; new versions are checked first —
// builtin JSON against its schema, FreqTrade Python by loading it in a sandboxed container (on a worker with Docker).
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { parseStrategy } from '../../domain/strategy.js';
import { CreateStrategyVersionInput, canonicalJson, contentHash } from '../../domain/strategy-version.js';
import type { Db } from '../../db/pool.js';
import { findStrategyVersionByHash, findStrategyVersionForUser, insertStrategyVersion, listStrategyVersionsForUser } from '../../db/strategies.js';
import { strategyCheckWorkflowId } from '../../domain/workflow-ids.js';
import { strategyCheckWorkflow } from '../../workflows/strategy-check.js';
import { currentUser } from '../auth/middleware.js';
import { HttpError, notFound } from '../errors.js';
import type { Quotas } from '../quotas.js';
import { requireScope } from '../auth/scopes.js';

export interface StrategiesRouterDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  quotas: Quotas;
}

export function strategiesRouter({ db, temporal, taskQueue, quotas }: StrategiesRouterDeps): Router {
  const router = Router();

  router.get('/', requireScope('read'), async (req, res) => {
    res.json({ strategies: await listStrategyVersionsForUser(db, currentUser(req).id) });
  });

  router.get('/:id', requireScope('read'), async (req, res) => {
    const found = await findStrategyVersionForUser(db, currentUser(req).id, req.params.id!);
    if (!found) throw notFound('strategy');
    const { content, ...version } = found;
    res.json({ strategy: { ...version, content: found.engine === 'builtin' ? JSON.parse(content) : content } });
  });

  router.post('/', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    const input = CreateStrategyVersionInput.parse(req.body);
    if (input.engine === 'freqtrade') {
      if (typeof input.content !== 'string') {
        throw new HttpError(400, 'invalid_input', 'content: a FreqTrade strategy is the text of its Python file', 'content');
      }
      const content = input.content;
      const hash = contentHash('freqtrade', content);
      // The same file again is the version the user already has: its check passed, so it is not run again.
      const known = await findStrategyVersionByHash(db, user.id, hash);
      if (known) {
        res.status(201).json({ strategy: known });
        return;
      }
      await quotas.takeStrategyUpload(user.id);
      // The user's Python never runs in this process: a worker loads it in a throwaway, sandboxed container.
      const check = await temporal.workflow
        .execute(strategyCheckWorkflow, { workflowId: strategyCheckWorkflowId(randomUUID()), taskQueue, args: [{ userId: user.id, content }] })
        .catch(() => {
          throw new HttpError(503, 'check_unavailable', 'the strategy could not be checked now (no worker with Docker answered); try again');
        });
      if (!check.ok) throw new HttpError(400, 'invalid_input', `content: the strategy does not load: ${check.problem}`, 'content');
      const version = await insertStrategyVersion(db, {
        id: randomUUID(), userId: user.id, name: check.className, engine: 'freqtrade', content,
        contentHash: hash, author: user.email, note: input.note,
      });
      res.status(201).json({ strategy: version });
      return;
    }
    const parsed = parseStrategy(typeof input.content === 'string' ? safeJson(input.content) : input.content);
    if (!parsed.success) {
      const first = parsed.issues[0]!;
      throw new HttpError(400, 'invalid_input', `content.${first}`, `content.${first.split(':')[0]}`);
    }
    const content = canonicalJson(parsed.data);
    await quotas.takeStrategyUpload(user.id);
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

// /api/health (liveness of the database and Temporal) and /api/system (facts the dashboard shows).
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { RuntimeDriver } from '../../domain/bot.js';
import { botDriverFact, readFact } from '../../db/platform-facts.js';
import { sql, type Db } from '../../db/pool.js';
import { requireScope } from '../auth/scopes.js';

export function systemRouter(db: Db, temporal: Client, info: { temporalUiUrl: string; namespace: string; taskQueue: string }): Router {
  const router = Router();

  router.get('/health', requireScope('public'), async (_req, res) => {
    const [dbOk, temporalOk] = await Promise.all([
      db.oneFirst(sql.type(z.object({ ok: z.number() }))`select 1 as ok`).then(() => true, () => false),
      temporal.workflowService.getSystemInfo({}).then(() => true, () => false),
    ]);
    res.status(dbOk && temporalOk ? 200 : 503).json({ ok: dbOk && temporalOk, db: dbOk ? 'ok' : 'down', temporal: temporalOk ? 'ok' : 'down' });
  });

  router.get('/system', requireScope('public'), async (_req, res) => {
    const driver = await readFact(db, botDriverFact(info.taskQueue), RuntimeDriver);
    res.json({ driver, temporalUiUrl: info.temporalUiUrl, namespace: info.namespace });
  });

  return router;
}

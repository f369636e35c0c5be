// /api/migrations (operators only): start a MongoDB → PostgreSQL run, list runs, read progress and quarantine, and
// pause, resume, abort or approve the cutover of a run.
import { Router } from 'express';
import { z } from 'zod';
import { collectionFigures } from '../../domain/migration-run.js';
import { collectionProgress, findMigrationRun, listMigrationRuns, listQuarantine, readDataSource } from '../../db/migration-runs.js';
import type { Db } from '../../db/pool.js';
import { currentUser, requireOperator } from '../auth/middleware.js';
import { notFound } from '../errors.js';
import type { MigrationCommands } from '../migration-commands.js';
import type { WorkflowLinker } from '../workflow-links.js';
import { migrationWorkflowId } from '../../domain/workflow-ids.js';

export const ApproveBody = z.object({ acceptQuarantined: z.boolean().default(false) }).strict();
export const RunQuery = z.object({ quarantineLimit: z.coerce.number().int().min(1).max(1000).default(200) });
export const AbortBody = z.object({ reason: z.string().max(500).optional() }).strict();

/** `legacyConfigured`: a legacy MongoDB is set (MONGO_URL); without one there is nothing to migrate. */
/** `link`: each run's workflow in the Temporal UI. */
export function migrationsRouter(db: Db, commands: MigrationCommands, { legacyConfigured, link }: { legacyConfigured: boolean; link: WorkflowLinker }): Router {
  const router = Router();
  router.use(requireOperator('run migrations'));

  const runOf = async (id: string) => {
    const run = await findMigrationRun(db, id);
    if (!run) throw notFound('migration run');
    return run;
  };

  router.get('/', async (_req, res) => {
    res.json({
      runs: await listMigrationRuns(db),
      dataSource: (await readDataSource(db)) ?? { store: 'mongo', runId: null, at: null },
      legacyConfigured,
    });
  });

  router.post('/', async (req, res) => {
    const run = await commands.start(currentUser(req).email, req.body);
    res.status(201).json({ run, workflowLink: link(migrationWorkflowId(run.id)) });
  });

  router.get('/:id', async (req, res) => {
    const run = await runOf(req.params.id!);
    const now = new Date().toISOString();
    const collections = (await collectionProgress(db, run.id)).map((p) => ({ ...p, ...collectionFigures(p, now) }));
    const { quarantineLimit } = RunQuery.parse(req.query);
    res.json({
      run, collections, quarantine: await listQuarantine(db, run.id, quarantineLimit), workflow: await commands.state(run.id),
      workflowLink: link(migrationWorkflowId(run.id)),
    });
  });

  router.post('/:id/pause', async (req, res) => {
    const run = await runOf(req.params.id!);
    await commands.pause(run.id);
    res.json({ run: await runOf(run.id) });
  });

  router.post('/:id/resume', async (req, res) => {
    const run = await runOf(req.params.id!);
    await commands.resume(run.id);
    res.json({ run: await runOf(run.id) });
  });

  router.post('/:id/abort', async (req, res) => {
    const run = await runOf(req.params.id!);
    const body = AbortBody.parse(req.body ?? {});
    res.json({ workflow: await commands.abort(run.id, body.reason) });
  });

  router.post('/:id/approve', async (req, res) => {
    const run = await runOf(req.params.id!);
    const body = ApproveBody.parse(req.body ?? {});
    res.json({ workflow: await commands.approve(run.id, currentUser(req).email, body.acceptQuarantined) });
  });

  return router;
}

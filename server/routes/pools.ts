// /api/pools (operators only): the container pools with their containers and bots, a live SSE stream of them, and the
// commands an operator sends a pool's scaler workflow (settings, scale, drain a container, move a bot). Everyone else
// gets what every operator endpoint answers: 401 signed out, 403 signed in without the operator role.
import { Router } from 'express';
import { z } from 'zod';
import { listPools } from '../../db/pools.js';
import type { Db } from '../../db/pool.js';
import { checkPoolSettings } from '../../domain/pool.js';
import { requireOperator } from '../auth/middleware.js';
import { HttpError, notFound } from '../errors.js';
import type { PoolCommands } from '../pool-commands.js';
import type { PoolEvents } from '../pool-events.js';
import { streamSnapshots } from '../snapshot-stream.js';
import type { WorkflowLinker } from '../workflow-links.js';
import { poolWorkflowId } from '../../domain/workflow-ids.js';

export interface PoolsRouterDeps {
  db: Db;
  poolCommands: PoolCommands;
  poolEvents: PoolEvents;
  /** This deployment's task queue: pools of other deployments sharing the database are not ours to show or command. */
  taskQueue: string;
  /** Each pool's scaler workflow in the Temporal UI. */
  link: WorkflowLinker;
}

export const ScaleBody = z.object({ containers: z.number().int('must be a whole number').min(0, 'must be 0 or more') }).strict();
export const MoveBody = z.object({ containerKey: z.string().min(1, 'pick a container') }).strict();

export function poolsRouter(deps: PoolsRouterDeps, heartbeatMs = 15_000): Router {
  const { db, poolCommands: commands } = deps;
  const router = Router();
  router.use(requireOperator('manage pools'));

  const pools = () => listPools(db, { taskQueue: deps.taskQueue });
  const poolOf = async (id: string) => {
    const [pool] = await listPools(db, { poolId: id, taskQueue: deps.taskQueue });
    if (!pool) throw notFound('pool');
    return pool;
  };

  router.get('/', async (_req, res) => {
    res.json({ pools: await pools() });
  });

  router.get('/stream', (req, res) => {
    streamSnapshots(req, res, {
      event: 'pools',
      read: async () => ({ pools: await pools() }),
      subscribe: (changed) => deps.poolEvents.subscribe(changed),
      heartbeatMs,
    });
  });

  router.get('/:id', async (req, res) => {
    const pool = await poolOf(req.params.id!);
    res.json({ pool, workflow: deps.link(poolWorkflowId(pool.id)) });
  });

  // Checked here first with the workflow's own rules (same messages), so a bad body never reaches Temporal.
  router.patch('/:id/settings', async (req, res) => {
    const pool = await poolOf(req.params.id!);
    const checked = checkPoolSettings(pool.settings, req.body);
    if (!checked.ok) {
      throw new HttpError(400, 'invalid_input', checked.field ? `${checked.field}: ${checked.message}` : checked.message, checked.field || undefined);
    }
    await commands.configure(pool.id, req.body);
    res.json({ pool: await poolOf(pool.id) });
  });

  router.post('/:id/scale', async (req, res) => {
    const pool = await poolOf(req.params.id!);
    const { containers } = ScaleBody.parse(req.body);
    await commands.scale(pool.id, containers);
    res.json({ pool: await poolOf(pool.id) });
  });

  router.post('/:id/containers/:key/drain', async (req, res) => {
    const pool = await poolOf(req.params.id!);
    await commands.drain(pool.id, req.params.key!);
    res.json({ pool: await poolOf(pool.id) });
  });

  router.post('/:id/bots/:botId/move', async (req, res) => {
    const pool = await poolOf(req.params.id!);
    const { containerKey } = MoveBody.parse(req.body);
    await commands.relocate(pool.id, req.params.botId!, containerKey);
    res.json({ pool: await poolOf(pool.id) });
  });

  return router;
}

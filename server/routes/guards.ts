// /api/guards (trailing stops and take-profit ladders) and /api/risk-guards (max drawdown / daily loss): list, create,
// read, edit, cancel, resume, and one live SSE stream of both. Reads come from PostgreSQL; every command goes to the
// guard's workflow, which validates it (a bad value is a 400 naming the field and changes nothing).
import { Router } from 'express';
import { guardEvents, findGuardForUser, listGuards } from '../../db/guards.js';
import type { Db } from '../../db/pool.js';
import { findRiskGuardForUser, listRiskGuards } from '../../db/risk-guards.js';
import { CreateGuardBatchInput, CreateGuardInput, GuardRules } from '../../domain/guard.js';
import { CreateRiskGuardInput, RiskRules } from '../../domain/risk.js';
import { guardWorkflowId } from '../../domain/workflow-ids.js';
import { currentUser, requireUser } from '../auth/middleware.js';
import { notFound } from '../errors.js';
import type { GuardCommands } from '../guard-commands.js';
import type { GuardEvents } from '../guard-events.js';
import { streamSnapshots } from '../snapshot-stream.js';
import { requireScope } from '../auth/scopes.js';
import { workflowLinker } from '../workflow-links.js';

export interface GuardsRouterDeps {
  db: Db;
  guardCommands: GuardCommands;
  guardEvents: GuardEvents;
  temporalUiUrl: string;
  namespace: string;
}

export function guardsRouter(deps: GuardsRouterDeps, heartbeatMs = 15_000): Router {
  const { db, guardCommands: commands } = deps;
  const router = Router();
  router.use(['/guards', '/risk-guards'], requireUser);
  const key = (req: { header(name: string): string | undefined }) => req.header('idempotency-key')?.slice(0, 200);
  const ownGuard = async (userId: string, id: string) => (await findGuardForUser(db, userId, id)) ?? Promise.reject(notFound('guard'));
  const ownRisk = async (userId: string, id: string) => (await findRiskGuardForUser(db, userId, id)) ?? Promise.reject(notFound('risk guard'));
  const snapshot = async (userId: string) => ({ guards: await listGuards(db, userId), riskGuards: await listRiskGuards(db, userId) });

  router.get('/guards', requireScope('read'), async (req, res) => {
    res.json(await snapshot(currentUser(req).id));
  });

  router.get('/guards/stream', requireScope('read'), (req, res) => {
    const userId = currentUser(req).id;
    streamSnapshots(req, res, {
      event: 'guards',
      read: () => snapshot(userId),
      subscribe: (changed) => deps.guardEvents.subscribe(userId, changed),
      heartbeatMs,
    });
  });

  router.post('/guards', requireScope('trade'), async (req, res) => {
    const spec = CreateGuardInput.parse(req.body);
    res.status(201).json({ guard: await commands.create(currentUser(req).id, spec, key(req)) });
  });

  router.post('/guards/batch', requireScope('trade'), async (req, res) => {
    const { guards } = CreateGuardBatchInput.parse(req.body);
    res.status(201).json({ guards: await commands.createBatch(currentUser(req).id, guards, key(req)) });
  });

  router.get('/guards/:id', requireScope('read'), async (req, res) => {
    const guard = await ownGuard(currentUser(req).id, req.params.id!);
    const workflowId = guardWorkflowId(guard.id);
    res.json({
      guard,
      events: await guardEvents(db, guard.id),
      workflow: workflowLinker(deps.temporalUiUrl, deps.namespace)(workflowId),
    });
  });

  router.patch('/guards/:id', requireScope('trade'), async (req, res) => {
    const userId = currentUser(req).id;
    const guard = await ownGuard(userId, req.params.id!);
    await commands.edit(guard, GuardRules.parse(req.body));
    res.json({ guard: await ownGuard(userId, guard.id) });
  });

  router.delete('/guards/:id', requireScope('trade'), async (req, res) => {
    const userId = currentUser(req).id;
    const guard = await ownGuard(userId, req.params.id!);
    await commands.cancel(guard);
    res.json({ guard: await ownGuard(userId, guard.id) });
  });

  router.get('/risk-guards', requireScope('read'), async (req, res) => {
    res.json({ riskGuards: await listRiskGuards(db, currentUser(req).id) });
  });

  router.post('/risk-guards', requireScope('trade'), async (req, res) => {
    const spec = CreateRiskGuardInput.parse(req.body);
    res.status(201).json({ riskGuard: await commands.createRisk(currentUser(req).id, spec, key(req)) });
  });

  router.get('/risk-guards/:id', requireScope('read'), async (req, res) => {
    res.json({ riskGuard: await ownRisk(currentUser(req).id, req.params.id!) });
  });

  router.patch('/risk-guards/:id', requireScope('trade'), async (req, res) => {
    const userId = currentUser(req).id;
    const risk = await ownRisk(userId, req.params.id!);
    await commands.editRisk(risk.id, RiskRules.parse(req.body));
    res.json({ riskGuard: await ownRisk(userId, risk.id) });
  });

  router.post('/risk-guards/:id/resume', requireScope('trade'), async (req, res) => {
    const userId = currentUser(req).id;
    const risk = await ownRisk(userId, req.params.id!);
    await commands.resumeRisk(risk.id);
    res.json({ riskGuard: await ownRisk(userId, risk.id) });
  });

  router.delete('/risk-guards/:id', requireScope('trade'), async (req, res) => {
    const userId = currentUser(req).id;
    const risk = await ownRisk(userId, req.params.id!);
    await commands.cancelRisk(risk.id);
    res.json({ riskGuard: await ownRisk(userId, risk.id) });
  });

  return router;
}

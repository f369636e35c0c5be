// Guard and risk-guard commands through Temporal: creating is one updateWithStart (the workflow checks the target and
// saves the row; guards start on the guard worker's queue), edits, cancels and resumes are validated updates. Answers
// map to HTTP errors naming the field.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Guard } from '../domain/guard.js';
import type { RiskGuard } from '../domain/risk.js';
import { guardTaskQueue, guardWorkflowId, riskWorkflowId } from '../domain/workflow-ids.js';
import { cancelGuard, createGuard, editGuard, guardWorkflow } from '../workflows/guard.js';
import { cancelRiskGuard, createRiskGuard, editRiskGuard, resumeRiskGuard, riskWorkflow } from '../workflows/risk.js';
import { idForIdempotencyKey } from './idempotent-ids.js';
import { updateErrorAsHttp } from './update-errors.js';
import { recordOwnerRequest } from '../db/owner-requests.js';
import type { Db } from '../db/pool.js';

export interface GuardCommands {
  create(userId: string, spec: unknown, idempotencyKey?: string): Promise<Guard>;
  edit(guardId: string, rules: unknown): Promise<void>;
  cancel(guardId: string): Promise<void>;
  createRisk(userId: string, spec: unknown, idempotencyKey?: string): Promise<RiskGuard>;
  editRisk(riskId: string, rules: unknown): Promise<void>;
  resumeRisk(riskId: string): Promise<void>;
  cancelRisk(riskId: string): Promise<void>;
}

const asHttpError: (error: unknown) => never = updateErrorAsHttp('the guard is no longer running');

export function createGuardCommands(client: Client, taskQueue: string, db: Db): GuardCommands {
  const update = async (workflowId: string, run: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<unknown>) => {
    try {
      await run(client.workflow.getHandle(workflowId));
    } catch (error) {
      asHttpError(error);
    }
  };
  return {
    async create(userId, spec, idempotencyKey) {
      const guardId = idForIdempotencyKey(['guard', userId], idempotencyKey);
      // The workflow takes the guard's owner from this row, not from its input.
      await recordOwnerRequest(db, 'guard', guardId, userId);
      const startWorkflowOperation = new WithStartWorkflowOperation(guardWorkflow, {
        workflowId: guardWorkflowId(guardId), taskQueue: guardTaskQueue(taskQueue), args: [{ guardId, userId }], workflowIdConflictPolicy: 'USE_EXISTING',
      });
      try {
        return await client.workflow.executeUpdateWithStart(createGuard, { args: [spec], updateId: 'create', startWorkflowOperation });
      } catch (error) {
        asHttpError(error);
      }
    },
    edit: (guardId, rules) => update(guardWorkflowId(guardId), (h) => h.executeUpdate(editGuard, { args: [rules] })),
    cancel: (guardId) => update(guardWorkflowId(guardId), (h) => h.executeUpdate(cancelGuard, { args: [null] })),
    async createRisk(userId, spec, idempotencyKey) {
      const riskId = idForIdempotencyKey(['risk', userId], idempotencyKey);
      await recordOwnerRequest(db, 'risk', riskId, userId);
      const startWorkflowOperation = new WithStartWorkflowOperation(riskWorkflow, {
        workflowId: riskWorkflowId(riskId), taskQueue, args: [{ riskId, userId }], workflowIdConflictPolicy: 'USE_EXISTING',
      });
      try {
        return await client.workflow.executeUpdateWithStart(createRiskGuard, { args: [spec], updateId: 'create', startWorkflowOperation });
      } catch (error) {
        asHttpError(error);
      }
    },
    editRisk: (riskId, rules) => update(riskWorkflowId(riskId), (h) => h.executeUpdate(editRiskGuard, { args: [rules] })),
    resumeRisk: (riskId) => update(riskWorkflowId(riskId), (h) => h.executeUpdate(resumeRiskGuard)),
    cancelRisk: (riskId) => update(riskWorkflowId(riskId), (h) => h.executeUpdate(cancelRiskGuard, { args: [null] })),
  };
}

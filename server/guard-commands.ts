// Guard and risk-guard commands through Temporal: creating is one updateWithStart (the workflow checks the target and
// saves the row; guards start on the guard worker's queue), edits, cancels and resumes are validated updates. Answers
// map to HTTP errors naming the field.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import type { Guard } from '../domain/guard.js';
import type { RiskGuard } from '../domain/risk.js';
import { fieldErrorsOf, fieldErrorText } from '../domain/field-error.js';
import { guardBatchWorkflowId, guardTaskQueue, guardWorkflowId, riskWorkflowId } from '../domain/workflow-ids.js';
import { guardBatchWorkflow } from '../workflows/guard-batch.js';
import { cancelGuard, carriedState, createGuard, editGuard, guardWorkflow } from '../workflows/guard.js';
import { GuardStateKey, GuardSymbolKey, UserIdKey } from '../temporal/search-attributes.js';
import { cancelRiskGuard, createRiskGuard, editRiskGuard, resumeRiskGuard, riskWorkflow } from '../workflows/risk.js';
import { idForIdempotencyKey } from './idempotent-ids.js';
import { updateErrorAsHttp } from './update-errors.js';
import { findGuards } from '../db/guards.js';
import { recordOwnerRequest, recordOwnerRequests } from '../db/owner-requests.js';
import { HttpError } from './errors.js';
import type { Db } from '../db/pool.js';

export interface GuardCommands {
  create(userId: string, spec: unknown, idempotencyKey?: string): Promise<Guard>;
  /** Many wallet guards at once (one workflow checks and writes them all, or none); in the order given. */
  createBatch(userId: string, specs: unknown[], idempotencyKey?: string): Promise<Guard[]>;
  /** Edits `guard` (its row as the API read it: a batch-made guard's workflow starts from it). */
  edit(guard: Guard, rules: unknown): Promise<void>;
  cancel(guard: Guard): Promise<void>;
  createRisk(userId: string, spec: unknown, idempotencyKey?: string): Promise<RiskGuard>;
  editRisk(riskId: string, rules: unknown): Promise<void>;
  resumeRisk(riskId: string): Promise<void>;
  cancelRisk(riskId: string): Promise<void>;
}

const GONE = 'the guard is no longer running';
const asHttpError: (error: unknown) => never = updateErrorAsHttp(GONE);

export function createGuardCommands(client: Client, taskQueue: string, db: Db): GuardCommands {
  const update = async (workflowId: string, run: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<unknown>) => {
    try {
      await run(client.workflow.getHandle(workflowId));
    } catch (error) {
      asHttpError(error);
    }
  };
  /**
   * An update to a guard's workflow. A watching guard made by a batch has no workflow until it first acts: the update
   * starts it with the row's state (a running workflow just takes the update; one that has ended is not started again).
   */
  const guardUpdate = async (guard: Guard, run: (op: WithStartWorkflowOperation<typeof guardWorkflow>) => Promise<unknown>, plain: () => Promise<unknown>) => {
    if (guard.state !== 'watching') return update(guardWorkflowId(guard.id), plain); // its workflow refuses it, or has ended
    try {
      await run(withStart(guard));
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, 'conflict', GONE);
      asHttpError(error);
    }
  };
  const withStart = (guard: Guard) => new WithStartWorkflowOperation(guardWorkflow, {
    workflowId: guardWorkflowId(guard.id), taskQueue: guardTaskQueue(taskQueue), args: [{ guardId: guard.id, userId: guard.userId, carried: carriedState(guard) }],
    workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [{ key: GuardStateKey, value: 'watching' }, { key: GuardSymbolKey, value: guard.symbol }, { key: UserIdKey, value: guard.userId }],
  });
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
    async createBatch(userId, specs, idempotencyKey) {
      const batchId = idForIdempotencyKey(['guard-batch', userId], idempotencyKey);
      const guardIds = specs.map((_, i) => idForIdempotencyKey(['guard-batch', userId, batchId], String(i)));
      // The workflow takes the guards' owner from these rows, not from its input.
      await recordOwnerRequests(db, 'guard', guardIds, userId);
      const workflowId = guardBatchWorkflowId(batchId);
      try {
        await client.workflow.start(guardBatchWorkflow, {
          workflowId, taskQueue, args: [{ userId, guardIds, specs }], workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error; // the same batch asked again: its answer
      }
      try {
        await client.workflow.getHandle<typeof guardBatchWorkflow>(workflowId).result();
      } catch (error) {
        const [invalid, ...more] = fieldErrorsOf(error);
        if (invalid) throw new HttpError(400, 'invalid_input', fieldErrorText(invalid), invalid.field || undefined, {}, more.length ? [invalid, ...more] : undefined);
        if (error instanceof WorkflowFailedError) throw new HttpError(409, 'conflict', (error.cause as Error | undefined)?.message ?? error.message);
        throw error;
      }
      return findGuards(db, guardIds);
    },
    edit: (guard, rules) => guardUpdate(
      guard,
      (op) => client.workflow.executeUpdateWithStart(editGuard, { args: [rules], startWorkflowOperation: op }),
      () => client.workflow.getHandle(guardWorkflowId(guard.id)).executeUpdate(editGuard, { args: [rules] }),
    ),
    cancel: (guard) => guardUpdate(
      guard,
      (op) => client.workflow.executeUpdateWithStart(cancelGuard, { args: [null], startWorkflowOperation: op }),
      () => client.workflow.getHandle(guardWorkflowId(guard.id)).executeUpdate(cancelGuard, { args: [null] }),
    ),
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

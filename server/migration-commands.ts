// Starts migration runs and sends them the operator's commands through the Temporal client; maps refusals to HTTP errors.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { LEGACY_COLLECTIONS } from '../domain/legacy-model.js';
import { MAPPING_VERSION } from '../domain/legacy-mapping.js';
import { StartMigrationInput, type MigrationWorkflowState } from '../domain/migration-run.js';
import { migrationWorkflowId } from '../domain/workflow-ids.js';
import { ActiveRunExistsError, insertMigrationRun, updateMigrationRun, type MigrationRunRow } from '../db/migration-runs.js';
import type { Db } from '../db/pool.js';
import { abortMigration, approveCutover, migrationProgress, migrationWorkflow, pauseMigration, resumeMigration } from '../workflows/migration.js';
import { HttpError } from './errors.js';
import { refusalAsHttp } from './update-errors.js';

export const DEFAULT_BATCH_SIZE = 5_000;

export interface MigrationCommands {
  start(startedBy: string, input: unknown): Promise<MigrationRunRow>;
  pause(runId: string): Promise<void>;
  resume(runId: string): Promise<void>;
  abort(runId: string, reason?: string): Promise<MigrationWorkflowState>;
  approve(runId: string, approvedBy: string, acceptQuarantined: boolean): Promise<MigrationWorkflowState>;
  /** The workflow's own view, or null once it has closed (its rows in PostgreSQL still tell everything). */
  state(runId: string): Promise<MigrationWorkflowState | null>;
}

function refusal(error: unknown): never {
  if (error instanceof WorkflowUpdateFailedError) throw refusalAsHttp(error);
  if (error instanceof WorkflowNotFoundError) throw new HttpError(409, 'conflict', 'the run has finished: it takes no more commands');
  throw error;
}

export function createMigrationCommands(db: Db, client: Client, taskQueue: string): MigrationCommands {
  const handle = (runId: string) => client.workflow.getHandle(migrationWorkflowId(runId));
  const running = async (runId: string) => {
    const h = handle(runId);
    const { status } = await h.describe().catch(refusal);
    if (status.name !== 'RUNNING') throw new HttpError(409, 'conflict', `the run's workflow is ${status.name.toLowerCase()}: it takes no more commands`);
    return h;
  };
  return {
    async start(startedBy, raw) {
      const input = StartMigrationInput.parse(raw ?? {});
      const runId = randomUUID();
      const workflowId = migrationWorkflowId(runId);
      let run: MigrationRunRow;
      try {
        run = await insertMigrationRun(db, { id: runId, workflowId, mappingVersion: MAPPING_VERSION, startedBy });
      } catch (error) {
        if (error instanceof ActiveRunExistsError) throw new HttpError(409, 'conflict', error.message);
        throw error;
      }
      try {
        await client.workflow.start(migrationWorkflow, {
          workflowId,
          taskQueue,
          args: [{ runId, collections: input.collections ?? [...LEGACY_COLLECTIONS], batchSize: input.batchSize ?? DEFAULT_BATCH_SIZE, autoApprove: input.autoApprove ?? false, startedBy }],
        });
      } catch (error) {
        await updateMigrationRun(db, runId, { status: 'failed', phase: 'failed', error: `the workflow could not start: ${(error as Error).message}` });
        throw error;
      }
      return run;
    },
    async pause(runId) {
      await (await running(runId)).signal(pauseMigration);
    },
    async resume(runId) {
      await (await running(runId)).signal(resumeMigration);
    },
    async abort(runId, reason) {
      return (await running(runId)).executeUpdate(abortMigration, { args: [{ reason }] }).catch(refusal);
    },
    async approve(runId, approvedBy, acceptQuarantined) {
      return (await running(runId)).executeUpdate(approveCutover, { args: [{ runId, approvedBy, acceptQuarantined }] }).catch(refusal);
    },
    async state(runId) {
      try {
        return await handle(runId).query(migrationProgress);
      } catch {
        return null;
      }
    },
  };
}

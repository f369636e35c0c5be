// The migration run's messages (`migration:<runId>` and its children), apart from its code so the API imports them lightly.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApproveCutoverInput, MigrationWorkflowState } from '../domain/migration-run.js';

export const pauseMigration = defineSignal('pauseMigration');
export const resumeMigration = defineSignal('resumeMigration');
/** Abort is an update so a request that comes too late (cutover started) is refused with the reason. */
export const abortMigration = defineUpdate<MigrationWorkflowState, [{ reason?: string }]>('abortMigration');
export const approveCutover = defineUpdate<MigrationWorkflowState, [ApproveCutoverInput]>('approveCutover');
export const migrationProgress = defineQuery<MigrationWorkflowState>('progress');
/** To a collection's child: stop after the batch in flight (pause and resume reach it as the run's own signals). */
export const abortCollection = defineSignal('abortCollection');

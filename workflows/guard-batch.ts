// Batched guard creation (`guard-batch:<batchId>`): checks and writes a batch of wallet guards at once
// (activities/guard-batch.ts) and makes sure the exchanges' watchers run; each guard's own workflow starts when the guard
// first has to act. A batch with one bad guard fails with every bad field named and creates none.
import { proxyActivities } from '@temporalio/workflow';
import type { GuardBatchActivities } from '../activities/guard-batch.js';
import type { GuardWatcherActivities } from '../activities/guard-watcher.js';
import { rethrowFieldError } from '../domain/field-error.js';

export interface GuardBatchInput {
  userId: string;
  guardIds: string[];
  specs: unknown[];
}

const check = proxyActivities<GuardBatchActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidField', 'OwnerNotConfirmed'] },
});
const watchers = proxyActivities<GuardWatcherActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 10 },
});

export async function guardBatchWorkflow(input: GuardBatchInput): Promise<{ guardIds: string[] }> {
  let exchangeIds: string[];
  try {
    ({ exchangeIds } = await check.createGuardRecords(input));
  } catch (error) {
    rethrowFieldError(error);
    throw error;
  }
  for (const exchangeId of exchangeIds) await watchers.ensureGuardWatcher(exchangeId);
  return { guardIds: input.guardIds };
}

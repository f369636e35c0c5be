// The pool scaler's activities as the workflow calls them: PostgreSQL on the scaler's own queue (`pools@<queue>`; the
// workflow's queue for runs started before it had one), Docker on each host's own queue (`docker@<host>`).
import { proxyActivities } from '@temporalio/workflow';
import type { PoolActivities, PoolDockerActivities } from '../activities/pools.js';
import { dockerQueue } from '../domain/workflow-ids.js';

export const poolDb = (activityQueue?: string) =>
  proxyActivities<PoolActivities>({
    ...(activityQueue ? { taskQueue: activityQueue } : {}),
    startToCloseTimeout: '20 seconds',
    retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  });
export const onHost = (host: string, quick = false) =>
  proxyActivities<PoolDockerActivities>({
    taskQueue: dockerQueue(host),
    // A host whose worker is down must not stall the pool: a reconcile gives up on it and judges it next cycle.
    ...(quick ? { scheduleToCloseTimeout: '15 seconds' } : {}),
    // Docker calls take a second or two; a worker that died mid-call is retried after this.
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', ...(quick ? { maximumAttempts: 2 } : {}) },
  });

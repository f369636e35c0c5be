// The pool scaler's activity worker: its PostgreSQL activities (load, save, stats, attached flags) on their own task
// queue (`pools@<queue>`) with a slot budget of their own, beside the platform worker in the same process. Bot work on
// the platform queue can fill every slot there and the scaler still finishes the placements those bots wait for.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { PoolActivities } from '../activities/pools.js';
import { poolTaskQueue } from '../domain/workflow-ids.js';
import { workerTracing } from '../telemetry/tracing.js';

export interface PoolWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  /** The platform worker's task queue; the pool worker listens on `pools@` it. */
  taskQueue: string;
  dataConverter?: WorkerOptions['dataConverter'];
  activities: PoolActivities;
  maxActivities: number;
}

export async function createPoolWorker(options: PoolWorkerOptions): Promise<Worker> {
  const { loadPool, savePool, savePoolStats, setBotAttached, setBotsAttached } = options.activities;
  return Worker.create({
    connection: options.connection,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    taskQueue: poolTaskQueue(options.taskQueue),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    activities: { loadPool, savePool, savePoolStats, setBotAttached, setBotsAttached },
    maxConcurrentActivityTaskExecutions: options.maxActivities,
    ...workerTracing(),
  });
}

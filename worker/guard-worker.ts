// The guard worker: position-guard workflows on their own task queue (`guards@<queue>`) with a bundle that holds only
// them (worker/bundle.ts says why), beside the platform worker in the same process. It registers the same activities,
// since a guard's activities run on its own queue.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { buildWorkflowBundle } from './bundle.js';
import { guardTaskQueue } from '../domain/workflow-ids.js';
import { workerTracing } from '../telemetry/tracing.js';

export interface GuardWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  /** The platform worker's task queue; the guard worker listens on `guards@` it. */
  taskQueue: string;
  dataConverter?: WorkerOptions['dataConverter'];
  activities: WorkerOptions['activities'];
  maxCachedWorkflows?: number | undefined;
}

export async function createGuardWorker(options: GuardWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    taskQueue: guardTaskQueue(options.taskQueue),
    workflowBundle: { codePath: await buildWorkflowBundle({ name: 'guards' }) },
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    activities: options.activities,
    ...workerTracing(),
  });
}

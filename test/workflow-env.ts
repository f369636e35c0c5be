// The Temporal test environment workflow logic runs on with fake activities, for workflow tests and history recordings.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import { searchAttributeFlags } from '../domain/search-attributes.js';
import { resolveTemporalCli } from '../scripts/services/temporal.js';
import { workflowsPathOf, type WorkflowBundleName } from '../worker/bundle.js';

export interface WorkflowTestEnvOptions {
  /**
   * `shared`: the test run's server (test/global-setup.ts). `own`: a dev server of its own, started from the Temporal
   * CLI with the platform's search attributes, and gone with the environment.
   */
  server: 'shared' | 'own';
  /** Which workflows the bundle holds: the platform's (default) or the guard worker's. */
  workflows?: WorkflowBundleName;
  /** Names the scenarios' task queues (`<prefix>-<uuid>`); they show in recorded histories. */
  taskQueuePrefix?: string;
}

export interface WorkflowTestEnv {
  client: Client;
  /** For workers a scenario creates itself, such as a second one on another task queue. */
  nativeConnection: NativeConnection;
  /** Runs `scenario` while a worker with the bundle and `activities` polls a new task queue, which it is handed. */
  withWorker<T>(activities: object, scenario: (taskQueue: string) => Promise<T>): Promise<T>;
  teardown(): Promise<void>;
}

/** Starts or joins the server and bundles the workflows once: a bundle per worker would cost seconds each. */
export async function startWorkflowTestEnv(options: WorkflowTestEnvOptions): Promise<WorkflowTestEnv> {
  const env =
    options.server === 'shared'
      ? await TestWorkflowEnvironment.createFromExistingServer({ address: process.env.TEMPORAL_ADDRESS })
      : await TestWorkflowEnvironment.createLocal({
          server: { executable: { type: 'existing-path', path: resolveTemporalCli() }, extraArgs: searchAttributeFlags() },
        });
  let bundle: WorkflowBundleWithSourceMap;
  try {
    bundle = await bundleWorkflowCode({ workflowsPath: workflowsPathOf(options.workflows ?? 'platform') });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  const prefix = options.taskQueuePrefix ?? 'test';
  return {
    client: env.client,
    nativeConnection: env.nativeConnection,
    async withWorker(activities, scenario) {
      const taskQueue = `${prefix}-${randomUUID()}`;
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
      return worker.runUntil(() => scenario(taskQueue));
    },
    teardown: () => env.teardown(),
  };
}

/**
 * The environment of one test file: started before its tests, torn down after them. Its members may be read only
 * from then on (in tests and hooks, not while the file loads).
 */
export function useWorkflowTestEnv(options: WorkflowTestEnvOptions): WorkflowTestEnv {
  let started: WorkflowTestEnv | undefined;
  beforeAll(async () => {
    started = await startWorkflowTestEnv(options);
  }, 120_000);
  afterAll(async () => started?.teardown());
  const ready = (): WorkflowTestEnv => {
    if (!started) throw new Error('the workflow test environment is not started: read it inside a test or a hook');
    return started;
  };
  return {
    get client() {
      return ready().client;
    },
    get nativeConnection() {
      return ready().nativeConnection;
    },
    withWorker: (activities, scenario) => ready().withWorker(activities, scenario),
    teardown: () => ready().teardown(),
  };
}

// The skeleton of scripts/record-*-histories.ts: a dev server of their own, and histories saved for the replay test.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../test/workflow-env.js';
import { repoRoot } from './services/paths.js';

/** Runs `record` on a fresh dev server with the platform's workflows, and stops the server however `record` ends. */
export async function recordHistories(record: (env: WorkflowTestEnv) => Promise<void>): Promise<void> {
  const env = await startWorkflowTestEnv({ server: 'own', taskQueuePrefix: 'record' });
  try {
    await record(env);
  } finally {
    await env.teardown();
  }
}

/** Writes a workflow's history where the replay test reads it, and says how many events it holds. */
export async function saveHistory(name: string, history: History): Promise<void> {
  await writeFile(path.join(repoRoot, 'workflows', 'histories', `${name}.json`), historyToJSON(history));
  console.log(`recorded ${name}: ${history.events?.length} events`);
}

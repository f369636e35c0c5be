// Calls to the API's /api/migrations (operators only) on behalf of the signed-in operator.
import type { RequestEvent } from '@sveltejs/kit';
import type { MigrationRun, MigrationRunView, MigrationWorkflowState } from '#domain/migration-run.ts';
import { callApi } from './http.server.ts';

export type MigrationCommand = 'pause' | 'resume' | 'abort' | 'approve';

export interface DataSourceSetting {
  store: 'mongo' | 'postgres';
  runId: string | null;
  at: string | null;
}

export const listRuns = (event: RequestEvent) => callApi<{ runs: MigrationRun[]; dataSource: DataSourceSetting; legacyConfigured: boolean }>(event, '/api/migrations');

export const getRun = (event: RequestEvent, id: string) => callApi<MigrationRunView>(event, `/api/migrations/${encodeURIComponent(id)}`);

export const startRun = async (event: RequestEvent, input: { batchSize?: number }) =>
  (await callApi<{ run: MigrationRun }>(event, '/api/migrations', { method: 'POST', body: input })).run;

export const commandRun = (event: RequestEvent, id: string, command: MigrationCommand, body: Record<string, unknown> = {}) =>
  callApi<{ run?: MigrationRun; workflow?: MigrationWorkflowState }>(event, `/api/migrations/${encodeURIComponent(id)}/${command}`, { method: 'POST', body });

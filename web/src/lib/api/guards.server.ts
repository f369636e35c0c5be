// The API's /guards and /risk-guards routes, called from loads and form actions.
import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import type { CreateGuardInput, GuardRules } from '#domain/guard.ts';
import type { CreateRiskGuardInput, RiskRules } from '#domain/risk.ts';
import type { Guard, GuardEvent, GuardsSnapshot, RiskGuard, WorkflowRef } from '#lib/types.ts';
import { callApi } from './http.server.ts';

const guardPath = (id: string) => `/api/guards/${encodeURIComponent(id)}`;
const riskPath = (id: string) => `/api/risk-guards/${encodeURIComponent(id)}`;

export const listGuards = (event: RequestEvent) => callApi<GuardsSnapshot>(event, '/api/guards');

export const getGuard = (event: RequestEvent, id: string) =>
  callApi<{ guard: Guard; events: GuardEvent[]; workflow: Pick<WorkflowRef, 'workflowId' | 'url'> }>(event, guardPath(id));

/** Answers once the guard's workflow has checked the target (the trade or the holding) and saved the guard. */
export const createGuard = async (event: RequestEvent, input: z.input<typeof CreateGuardInput>): Promise<Guard> =>
  (await callApi<{ guard: Guard }>(event, '/api/guards', { method: 'POST', body: input })).guard;

/** Replaces the trail (and the ladder, while no target has sold) of the running guard. */
export const editGuard = async (event: RequestEvent, id: string, rules: z.input<typeof GuardRules>): Promise<Guard> =>
  (await callApi<{ guard: Guard }>(event, guardPath(id), { method: 'PATCH', body: rules })).guard;

export const cancelGuard = async (event: RequestEvent, id: string): Promise<Guard> =>
  (await callApi<{ guard: Guard }>(event, guardPath(id), { method: 'DELETE' })).guard;

export const createRiskGuard = async (event: RequestEvent, input: z.input<typeof CreateRiskGuardInput>): Promise<RiskGuard> =>
  (await callApi<{ riskGuard: RiskGuard }>(event, '/api/risk-guards', { method: 'POST', body: input })).riskGuard;

export const resumeRiskGuard = async (event: RequestEvent, id: string): Promise<RiskGuard> =>
  (await callApi<{ riskGuard: RiskGuard }>(event, `${riskPath(id)}/resume`, { method: 'POST' })).riskGuard;

export const cancelRiskGuard = async (event: RequestEvent, id: string): Promise<RiskGuard> =>
  (await callApi<{ riskGuard: RiskGuard }>(event, riskPath(id), { method: 'DELETE' })).riskGuard;

export const getRiskGuard = async (event: RequestEvent, id: string): Promise<RiskGuard> =>
  (await callApi<{ riskGuard: RiskGuard }>(event, riskPath(id))).riskGuard;

/** Replaces the risk guard's rules (a limit left out is no longer checked). */
export const editRiskGuard = async (event: RequestEvent, id: string, rules: z.input<typeof RiskRules>): Promise<RiskGuard> =>
  (await callApi<{ riskGuard: RiskGuard }>(event, riskPath(id), { method: 'PATCH', body: rules })).riskGuard;

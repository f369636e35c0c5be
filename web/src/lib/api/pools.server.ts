// Calls to the API's /api/pools (operators only) on behalf of the signed-in operator.
import type { RequestEvent } from '@sveltejs/kit';
import type { PoolSettings, PoolView } from '#lib/types.ts';
import { callApi } from './http.server.ts';

const poolPath = (id: string) => `/api/pools/${encodeURIComponent(id)}`;

export const listPools = (event: RequestEvent) => callApi<{ pools: PoolView[] }>(event, '/api/pools');

/** Sends only the settings that change; the pool's scaler checks them and refuses a bad one naming its field. */
export const configurePool = async (event: RequestEvent, id: string, change: Partial<PoolSettings>): Promise<PoolView> =>
  (await callApi<{ pool: PoolView }>(event, `${poolPath(id)}/settings`, { method: 'PATCH', body: change })).pool;

export const scalePool = async (event: RequestEvent, id: string, containers: number): Promise<PoolView> =>
  (await callApi<{ pool: PoolView }>(event, `${poolPath(id)}/scale`, { method: 'POST', body: { containers } })).pool;

/** Answers once every bot of the container has moved to another one. */
export const drainContainer = async (event: RequestEvent, id: string, key: string): Promise<PoolView> =>
  (await callApi<{ pool: PoolView }>(event, `${poolPath(id)}/containers/${encodeURIComponent(key)}/drain`, { method: 'POST' })).pool;

export const moveBot = async (event: RequestEvent, id: string, botId: string, containerKey: string): Promise<PoolView> =>
  (await callApi<{ pool: PoolView }>(event, `${poolPath(id)}/bots/${encodeURIComponent(botId)}/move`, { method: 'POST', body: { containerKey } })).pool;

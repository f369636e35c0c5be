// The API's /fleet route, called from loads.
import type { RequestEvent } from '@sveltejs/kit';
import type { FleetBot } from '#domain/fleet.ts';
import { callApi } from './http.server.ts';

export const listFleet = async (event: RequestEvent): Promise<FleetBot[]> => (await callApi<{ bots: FleetBot[] }>(event, '/api/fleet')).bots;

// The API's /bots and /system routes, called from loads and form actions.
import type { RequestEvent } from '@sveltejs/kit';
import type { Bot, CreateBotInput } from '../../../../domain/bot.ts';
import type { SystemInfo, WorkflowRef } from '#lib/types.ts';
import { callApi } from './http.server.ts';

export const getSystem = (event: RequestEvent) => callApi<SystemInfo>(event, '/api/system');

export const listBots = async (event: RequestEvent): Promise<Bot[]> =>
  (await callApi<{ bots: Bot[] }>(event, '/api/bots')).bots;

export const getBot = (event: RequestEvent, id: string) =>
  callApi<{ bot: Bot; workflow: WorkflowRef }>(event, `/api/bots/${encodeURIComponent(id)}`);

export const createBot = async (event: RequestEvent, input: CreateBotInput): Promise<Bot> =>
  (await callApi<{ bot: Bot }>(event, '/api/bots', { method: 'POST', body: input })).bot;

export const commandBot = async (event: RequestEvent, id: string, command: 'start' | 'stop'): Promise<Bot> =>
  (await callApi<{ bot: Bot }>(event, `/api/bots/${encodeURIComponent(id)}/${command}`, { method: 'POST' })).bot;

export const deleteBot = async (event: RequestEvent, id: string): Promise<Bot> =>
  (await callApi<{ bot: Bot }>(event, `/api/bots/${encodeURIComponent(id)}`, { method: 'DELETE' })).bot;

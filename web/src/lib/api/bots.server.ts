// The API's /bots and /system routes, called from loads and form actions (trading and moves included).
import type { RequestEvent } from '@sveltejs/kit';
import type { Bot, CreateBotInput } from '#domain/bot.ts';
import type { BotTradingView, ForceExitOutcome } from '#domain/bot-trading.ts';
import type { MoveBotInput, MoveBotResult } from '#domain/bot-move.ts';
import type { SystemInfo, WorkflowRef } from '#lib/types.ts';
import { ApiError, callApi } from './http.server.ts';

export const getSystem = (event: RequestEvent) => callApi<SystemInfo>(event, '/api/system');

export const listBots = async (event: RequestEvent): Promise<Bot[]> =>
  (await callApi<{ bots: Bot[] }>(event, '/api/bots')).bots;

export const getBot = (event: RequestEvent, id: string) =>
  callApi<{ bot: Bot; workflow: WorkflowRef; placement: { queuePosition: number | null } }>(event, `/api/bots/${encodeURIComponent(id)}`);

export const createBot = async (event: RequestEvent, input: CreateBotInput): Promise<Bot> =>
  (await callApi<{ bot: Bot }>(event, '/api/bots', { method: 'POST', body: input })).bot;

/** The exchange's active spot pairs for the form's pair picker; none when the API cannot list them now (the field still takes typed pairs). */
export async function listMarkets(event: RequestEvent, exchange: string): Promise<string[]> {
  try {
    return (await callApi<{ markets: string[] }>(event, `/api/exchanges/${encodeURIComponent(exchange)}/markets`)).markets;
  } catch (error) {
    if (error instanceof ApiError) return [];
    throw error;
  }
}

export const commandBot = async (event: RequestEvent, id: string, command: 'start' | 'stop'): Promise<Bot> =>
  (await callApi<{ bot: Bot }>(event, `/api/bots/${encodeURIComponent(id)}/${command}`, { method: 'POST' })).bot;

export const deleteBot = async (event: RequestEvent, id: string): Promise<Bot> =>
  (await callApi<{ bot: Bot }>(event, `/api/bots/${encodeURIComponent(id)}`, { method: 'DELETE' })).bot;

export const getTrading = async (event: RequestEvent, id: string): Promise<BotTradingView> =>
  (await callApi<{ trading: BotTradingView }>(event, `/api/bots/${encodeURIComponent(id)}/trading`)).trading;

/** Exits a trade at market; answers with what the exit did (price, profit) and the trading after it. */
export const forceExit = (event: RequestEvent, id: string, tradeId: number) =>
  callApi<{ exit: ForceExitOutcome; trading: BotTradingView }>(event, `/api/bots/${encodeURIComponent(id)}/forceexit`, { method: 'POST', body: { tradeId } });

export const moveBot = (event: RequestEvent, id: string, move: MoveBotInput) =>
  callApi<{ move: MoveBotResult; bot: Bot }>(event, `/api/bots/${encodeURIComponent(id)}/move`, { method: 'POST', body: move });

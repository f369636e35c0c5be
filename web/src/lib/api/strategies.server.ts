// The API's /strategies routes: the strategy store (bundled and own versions) and uploads.
import type { RequestEvent } from '@sveltejs/kit';
import type { StrategyVersion } from '#domain/strategy-version.ts';
import { callApi } from './http.server.ts';

export const listStrategies = async (event: RequestEvent): Promise<StrategyVersion[]> =>
  (await callApi<{ strategies: StrategyVersion[] }>(event, '/api/strategies')).strategies;

export const uploadStrategy = async (
  event: RequestEvent,
  input: { engine: 'builtin' | 'freqtrade'; content: string; note: string },
): Promise<StrategyVersion> => (await callApi<{ strategy: StrategyVersion }>(event, '/api/strategies', { method: 'POST', body: input })).strategy;

/** One version with its content: builtin content comes back as the JSON document, FreqTrade content as Python text. */
export const getStrategy = async (event: RequestEvent, id: string): Promise<StrategyVersion & { content: unknown }> =>
  (await callApi<{ strategy: StrategyVersion & { content: unknown } }>(event, `/api/strategies/${encodeURIComponent(id)}`)).strategy;

/** Content as the upload form takes it: builtin JSON pretty-printed, Python as it is. */
export const contentText = (content: unknown): string => (typeof content === 'string' ? content : JSON.stringify(content, null, 2));

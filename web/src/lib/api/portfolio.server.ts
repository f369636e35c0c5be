// The API's /portfolio routes, called from loads.
import type { RequestEvent } from '@sveltejs/kit';
import type { HistoryRange, Valuation, ValuationPoint } from '#lib/types.ts';
import { callApi } from './http.server.ts';

export const getValuation = (event: RequestEvent) => callApi<Valuation>(event, '/api/portfolio');

export const getHistory = async (event: RequestEvent, range: HistoryRange): Promise<ValuationPoint[]> =>
  (await callApi<{ points: ValuationPoint[] }>(event, `/api/portfolio/history?range=${encodeURIComponent(range)}`)).points;

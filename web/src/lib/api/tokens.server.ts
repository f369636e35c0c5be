// The API's /tokens routes: list, create (the secret comes back once) and revoke personal API tokens.
import type { RequestEvent } from '@sveltejs/kit';
import type { ApiToken, NewTokenInput } from '#domain/api-token.ts';
import { callApi } from './http.server.ts';

export const listTokens = async (event: RequestEvent): Promise<ApiToken[]> => (await callApi<{ tokens: ApiToken[] }>(event, '/api/tokens')).tokens;

export const createToken = async (event: RequestEvent, input: NewTokenInput): Promise<ApiToken & { secret: string }> =>
  (await callApi<{ token: ApiToken & { secret: string } }>(event, '/api/tokens', { method: 'POST', body: input })).token;

export const revokeToken = (event: RequestEvent, id: string): Promise<void> => callApi<void>(event, `/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });

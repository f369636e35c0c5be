// The API's /exchange-accounts routes, called from loads and form actions.
import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import type { CreateExchangeAccountInput, UpdateExchangeAccountInput } from '#domain/exchange-account.ts';
import type { ExchangeAccount, WalletSnapshot } from '#lib/types.ts';
import { callApi } from './http.server.ts';

export type AccountCommand = 'pause' | 'resume' | 'sync';

const path = (id: string) => `/api/exchange-accounts/${encodeURIComponent(id)}`;

export const listAccounts = async (event: RequestEvent): Promise<ExchangeAccount[]> =>
  (await callApi<{ accounts: ExchangeAccount[] }>(event, '/api/exchange-accounts')).accounts;

export const getAccount = (event: RequestEvent, id: string) =>
  callApi<{ account: ExchangeAccount; snapshot: WalletSnapshot | null }>(event, path(id));

/** Answers only after the platform checked the key with a real balance call on the exchange (a few seconds). */
export const createAccount = async (event: RequestEvent, input: CreateExchangeAccountInput): Promise<ExchangeAccount> =>
  (await callApi<{ account: ExchangeAccount }>(event, '/api/exchange-accounts', { method: 'POST', body: input })).account;

export const updateAccount = async (
  event: RequestEvent,
  id: string,
  input: z.input<typeof UpdateExchangeAccountInput>,
): Promise<ExchangeAccount> => (await callApi<{ account: ExchangeAccount }>(event, path(id), { method: 'PATCH', body: input })).account;

export const commandAccount = async (event: RequestEvent, id: string, command: AccountCommand): Promise<ExchangeAccount> =>
  (await callApi<{ account: ExchangeAccount }>(event, `${path(id)}/${command}`, { method: 'POST' })).account;

export const deleteAccount = (event: RequestEvent, id: string) => callApi<void>(event, path(id), { method: 'DELETE' });

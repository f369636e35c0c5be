// The API's /auth routes, called from loads and form actions.
import type { RequestEvent } from '@sveltejs/kit';
import type { User } from '#lib/types.ts';
import { ApiError, callApi } from './http.server.ts';

export interface Credentials {
  email: string;
  password: string;
}

/** The signed-in user, or null when the session is missing or expired. */
export async function me(event: RequestEvent): Promise<User | null> {
  try {
    const { user } = await callApi<{ user: User }>(event, '/api/auth/me', { redirectOnUnauthenticated: false });
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const signIn = (event: RequestEvent, credentials: Credentials) =>
  callApi<{ user: User }>(event, '/api/auth/signin', { method: 'POST', body: credentials, redirectOnUnauthenticated: false });

export const signUp = (event: RequestEvent, credentials: Credentials) =>
  callApi<{ user: User }>(event, '/api/auth/signup', { method: 'POST', body: credentials, redirectOnUnauthenticated: false });

export const signOut = (event: RequestEvent) =>
  callApi<void>(event, '/api/auth/signout', { method: 'POST', redirectOnUnauthenticated: false });

/** Changes the password; the API ends every session and answers with a new one for this browser. */
export const changePassword = (event: RequestEvent, input: { currentPassword: string; newPassword: string }) =>
  callApi<{ user: User }>(event, '/api/auth/password', { method: 'POST', body: input });

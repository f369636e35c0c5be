// The API's /auth routes (accounts, sessions, provider identities), called from loads and form actions.
import type { RequestEvent } from '@sveltejs/kit';
import { isOidcFailure, OIDC_FAILURES, type Identity } from '#domain/identity.ts';
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

/** The OpenID Connect provider offered on the sign-in page, or null when none is configured (or the API is down). */
export async function oidcProvider(event: RequestEvent): Promise<{ name: string } | null> {
  try {
    return (await callApi<{ provider: { name: string } | null }>(event, '/api/auth/oidc/provider', { redirectOnUnauthenticated: false })).provider;
  } catch {
    return null;
  }
}

export const listIdentities = async (event: RequestEvent): Promise<Identity[]> =>
  (await callApi<{ identities: Identity[] }>(event, '/api/auth/identities')).identities;

/** One of the user's sessions as the API lists it: a short id, never its token. */
export interface SessionView {
  id: string;
  createdAt: string | null;
  expiresAt: string;
  current: boolean;
}

export const listSessions = async (event: RequestEvent): Promise<SessionView[]> =>
  (await callApi<{ sessions: SessionView[] }>(event, '/api/auth/sessions')).sessions;

/** Signs out another session of the user (the API refuses this browser's own). */
export const endSession = (event: RequestEvent, id: string): Promise<void> =>
  callApi<void>(event, `/api/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** Unlinks a provider; the API refuses the last way to sign in (409 last_sign_in_method). */
export const unlinkIdentity = (event: RequestEvent, id: string): Promise<void> =>
  callApi<void>(event, `/api/auth/identities/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** The message for a refused provider sign-in (`?oidc_error=` after the callback), or null. */
export const oidcFailureMessage = (url: URL): string | null => {
  const code = url.searchParams.get('oidc_error');
  return isOidcFailure(code) ? OIDC_FAILURES[code] : null;
};

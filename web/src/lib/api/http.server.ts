// Server-side calls to the express API on behalf of the browser: forwards the user's cookie, relays set-cookie back.
import { redirect, type RequestEvent } from '@sveltejs/kit';
import { API_URL } from '$app/env/private';
import type { ApiErrorBody } from '#lib/types.ts';
import { dashboardOrigin } from '#lib/origin.server.ts';

/** A non-2xx answer from the API, carrying its `{ error: { code, message, field? } }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(body.message);
  }
}

export const apiBase = (): string => API_URL;

/** Headers that tell the API who the real client is (it trusts them from loopback proxies only). */
export function forwardedHeaders(event: RequestEvent, existingXff: string | null): Record<string, string> {
  let client = '';
  try {
    client = event.getClientAddress();
  } catch {
    // Not every runtime knows the client address; the API then sees the dashboard's own.
  }
  return {
    'x-forwarded-for': [existingXff, client].filter(Boolean).join(', '),
    'x-forwarded-host': event.url.host,
    'x-forwarded-proto': new URL(dashboardOrigin(event)).protocol.replace(':', ''),
  };
}

interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** When false, a 401 is thrown as ApiError instead of redirecting to /signin. */
  redirectOnUnauthenticated?: boolean;
}

/**
 * Calls `API_URL + path` as the signed-in user. The API's `set-cookie` headers are queued on `locals`
 * and hooks.server.ts appends them to the dashboard's response, so sessions work with and without JavaScript.
 */
export async function callApi<T>(event: RequestEvent, path: string, options: CallOptions = {}): Promise<T> {
  const { method = 'GET', body, redirectOnUnauthenticated = true } = options;
  const headers: Record<string, string> = {
    accept: 'application/json',
    // The API refuses state-changing requests whose Origin is not the dashboard's.
    origin: dashboardOrigin(event),
    ...forwardedHeaders(event, event.request.headers.get('x-forwarded-for')),
  };
  const cookie = event.request.headers.get('cookie');
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(`${apiBase()}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
  } catch (cause) {
    throw new ApiError(502, {
      code: 'api_unreachable',
      message: unreachableMessage(cause),
    });
  }

  event.locals.apiSetCookies.push(...response.headers.getSetCookie());

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  const error = await readError(response);
  if (response.status === 401 && redirectOnUnauthenticated) {
    redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(response.status, error, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

/** Why the API could not be reached: undici's "fetch failed" keeps the useful part (ECONNREFUSED ...) in `cause`. */
export function unreachableMessage(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const why = e.cause?.code ?? e.cause?.message ?? e.message;
  return `the dashboard cannot reach the API at ${apiBase()} (${why}); is the server running?`;
}

async function readError(response: Response): Promise<ApiErrorBody> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: ApiErrorBody };
    if (parsed.error?.message) return parsed.error;
  } catch {
    // Not JSON: a proxy or crash page; fall through to a generic message.
  }
  return { code: `http_${response.status}`, message: `the API answered ${response.status} ${response.statusText}`.trim() };
}

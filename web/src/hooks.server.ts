// Every request: /api/* goes to the API untouched; pages get a CSRF check and the API's set-cookie headers relayed.
import type { Handle } from '@sveltejs/kit/hooks';
import { proxyToApi } from '#lib/api/proxy.server.ts';
import { isCrossSiteFormPost } from '#lib/origin.server.ts';

export const handle: Handle = async ({ event, resolve }) => {
  // The API checks the Origin of state-changing /api/ requests itself.
  if (event.url.pathname.startsWith('/api/')) return proxyToApi(event);

  if (isCrossSiteFormPost(event)) {
    return new Response(`Cross-site ${event.request.method} form submissions are forbidden`, { status: 403 });
  }

  event.locals.apiSetCookies = [];
  const response = await resolve(event);
  if (event.locals.apiSetCookies.length === 0) return response;

  // Relaying the header as the API wrote it keeps its attributes (HttpOnly, Secure, SameSite, Max-Age) exact.
  try {
    for (const cookie of event.locals.apiSetCookies) response.headers.append('set-cookie', cookie);
    return response;
  } catch {
    // Some responses have immutable headers; copy them into a new response.
    const headers = new Headers(response.headers);
    for (const cookie of event.locals.apiSetCookies) headers.append('set-cookie', cookie);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
};

// The dashboard's own origin, and the CSRF check on form posts that uses it.
//
// adapter-node 6 dropped its runtime ORIGIN variable and assumes https when it derives the origin from
// the Host header, so on plain http SvelteKit's built-in check would refuse every form post. The built-in
// check is switched off in vite.config.ts (`csrf.trustedOrigins: ['*']`) and this one, driven by the
// runtime ORIGIN variable, takes its place.
import type { RequestEvent } from '@sveltejs/kit';
import { ORIGIN } from '$app/env/private';

/** ORIGIN when set; otherwise the request's Origin if it names this host, else http://<host>. */
export function dashboardOrigin(event: RequestEvent): string {
  if (ORIGIN) return ORIGIN;
  const host = event.request.headers.get('host') ?? event.url.host;
  const origin = event.request.headers.get('origin');
  if (origin && URL.canParse(origin) && new URL(origin).host === host) return new URL(origin).origin;
  return `http://${host}`;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Same rule as SvelteKit's own: a form-type write must carry this site's Origin. */
export function isCrossSiteFormPost(event: RequestEvent): boolean {
  const { request } = event;
  if (!MUTATING.has(request.method)) return false;
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type && !FORM_TYPES.includes(type)) return false;
  return request.headers.get('origin') !== dashboardOrigin(event);
}

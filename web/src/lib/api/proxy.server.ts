// Reverse proxy for /api/*: the browser only talks to the dashboard's origin; requests and streams pass through as-is.
import type { RequestEvent } from '@sveltejs/kit';
import { apiBase, forwardedHeaders, unreachableMessage } from './http.server.ts';

// Hop-by-hop headers describe one connection, not the message; `host` must name the API, not the dashboard.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host'];
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export async function proxyToApi(event: RequestEvent): Promise<Response> {
  const { request, url } = event;
  const target = `${apiBase()}${url.pathname}${url.search}`;

  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  // The body is streamed, so its length is the stream's business, not a copied header's.
  headers.delete('content-length');
  // Ask for an uncompressed body so bytes (and SSE frames) pass through unchanged.
  headers.set('accept-encoding', 'identity');
  for (const [name, value] of Object.entries(forwardedHeaders(event, request.headers.get('x-forwarded-for')))) {
    headers.set(name, value);
  }

  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      duplex: 'half',
      redirect: 'manual',
      // Aborted when the browser goes away, which also closes the upstream SSE stream.
      signal: request.signal,
    } as RequestInit);
  } catch (cause) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    return Response.json(
      {
        error: {
          code: 'api_unreachable',
          message: unreachableMessage(cause),
        },
      },
      { status: 502 },
    );
  }

  const out = new Headers(upstream.headers);
  for (const name of HOP_BY_HOP) out.delete(name);
  if (out.has('content-encoding')) {
    // fetch already decoded the body; the original encoding and length no longer describe it.
    out.delete('content-encoding');
    out.delete('content-length');
  }
  if (out.get('content-type')?.startsWith('text/event-stream')) {
    out.set('cache-control', 'no-cache, no-transform');
    // Tells nginx-style proxies in front of the dashboard not to buffer the stream either.
    out.set('x-accel-buffering', 'no');
    out.delete('content-length');
  }

  const body = NULL_BODY_STATUSES.has(upstream.status) || request.method === 'HEAD' ? null : upstream.body;
  return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers: out });
}

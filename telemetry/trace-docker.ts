// A span around every Docker Engine API call a dockerode client makes, when tracing is on: each call goes through the
// client's modem (`dial`), so one wrapper sees them all. The span names the method and the path with object ids
// replaced (`docker POST /containers/{id}/start`); it never carries the request's options or body (a container's
// environment, a registry's credentials).
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type Docker from 'dockerode';
import { errorName, tracingActive } from './tracing.js';

interface DialOptions {
  path?: string;
  method?: string;
}
type Dial = (options: DialOptions, callback: (err: unknown, data: unknown) => void) => unknown;

/** Engine paths whose second segment is an action, not an object's id or name. */
const ACTIONS = new Set(['create', 'json', 'prune', 'load', 'search', 'get', 'build', 'events']);

/** `/containers/3f2a…/start?` → `/containers/{id}/start`: one span name per kind of call, no ids or names in it. */
export function dockerPathTemplate(path: string): string {
  const bare = path.split('?')[0]!.replace(/^\/v[0-9.]+(?=\/)/, '');
  const parts = bare.split('/');
  if (parts.length <= 2 || !parts[2] || ACTIONS.has(parts[2])) return bare;
  // An image's name may hold slashes (`/images/tradefleet/bot-host:latest/json`): all of it is the id.
  if (parts[1] === 'images' && parts.length > 3) return `/images/{id}/${parts.at(-1)}`;
  parts[2] = '{id}';
  return parts.join('/');
}

/** Wraps `docker`'s modem when tracing is on; returns `docker` itself either way. */
export function traceDocker<T extends Docker>(docker: T): T {
  if (!tracingActive()) return docker;
  const modem = docker.modem as unknown as { dial: Dial; tracedDial?: true };
  if (modem.tracedDial) return docker;
  const dial = modem.dial.bind(modem);
  const tracer = trace.getTracer('tradefleet-docker');
  modem.dial = (options, callback) => {
    const method = options.method ?? 'GET';
    const path = dockerPathTemplate(options.path ?? '/');
    const span = tracer.startSpan(`docker ${method} ${path}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': method, 'url.template': path, 'server.type': 'docker-engine' },
    }, context.active());
    return dial(options, (err, data) => {
      if (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status) span.setAttribute('http.response.status_code', status);
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(err) });
      }
      span.end();
      callback(err, data);
    });
  };
  modem.tracedDial = true;
  return docker;
}

// One server span per API request when tracing is on (telemetry/tracing.ts): the parent of the Temporal client calls the
// request makes, so a bot's creation is one trace from here to the Docker engine. The span names the method and the
// route pattern; it never carries the query, the body, headers or cookies.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';

export function traceRequests(): RequestHandler {
  const tracer = trace.getTracer('tradefleet-api');
  return (req, res, next) => {
    // Prometheus's scrapes every few seconds would outnumber every other trace.
    if (req.path === '/metrics') return next();
    // A caller's `traceparent` (the dashboard's proxy, a script's own trace) makes this request part of its trace.
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    // An event stream or a dropped connection ends without `finish`.
    res.once('close', end);
    const active = trace.setSpan(parent, span);
    // A body parser calls `next` from the request's 'end' event, which runs in the context the socket had: listeners
    // bound here run in the request's, so the handlers after it (and their Temporal calls) stay inside its span.
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}

// Prometheus metrics of the API process (/metrics): default process metrics, request counts/latency by route, open SSE
// streams, and the fleet's state read from PostgreSQL at scrape time (server/fleet-metrics.ts).
import type { RequestHandler } from 'express';
import client from 'prom-client';
import type { Db } from '../db/pool.js';
import { registerFleetMetrics } from './fleet-metrics.js';

export function createMetrics(db?: Db) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'tradefleet_server_' });
  const requests = new client.Histogram({
    name: 'tradefleet_http_request_duration_seconds',
    help: 'API request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const sseStreams = new client.Gauge({
    name: 'tradefleet_sse_streams', help: 'Open Server-Sent Events streams by route', labelNames: ['route'] as const, registers: [registry],
  });
  if (db) registerFleetMetrics(registry, db);
  const track: RequestHandler = (req, res, next) => {
    const end = requests.startTimer();
    res.on('finish', () => {
      // The route pattern, not the raw path, so bot ids do not explode the label set.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
  const expose: RequestHandler = async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.send(await registry.metrics());
  };
  return { track, expose, sseStreams };
}

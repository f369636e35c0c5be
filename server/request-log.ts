// One debug line per API request (method, route pattern, status, duration, user): never the query, body or headers.
import type { RequestHandler } from 'express';

export function requestLog(log: (entry: Record<string, unknown>) => void): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const level = res.statusCode >= 500 ? 'warn' : 'debug';
      log({ level, msg: 'request', method: req.method, route, status: res.statusCode, ms: Math.round(performance.now() - started), userId: req.user?.id });
    });
    next();
  };
}

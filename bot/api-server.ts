// One bot's FreqTrade-compatible REST server on node:http: routing, auth, bodies and FastAPI-shaped errors.
import { chmod, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ROUTES, HttpError, type Route } from './api-routes.js';
import { authenticate } from './auth.js';
import { RpcError, type BotRuntime } from './bot-state.js';
import type { Logger } from './log.js';

const PREFIX = '/api/v1';
const MAX_BODY_BYTES = 64 * 1024;

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

const COMPILED: CompiledRoute[] = ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, regex: new RegExp(`^${source}$`), names };
});

type Match = { kind: 'route'; route: Route; params: Record<string, string> } | { kind: 'status'; status: 404 | 405; allow?: string };

/**
 * Starlette's routing as FreqTrade sets it up: a route matching path and method handles the request;
 * otherwise FreqTrade's catch-all UI route (GET only, 404 for /api paths) answers GET, and any other method
 * gets 405 with the Allow header of the first route whose path matched.
 */
function match(method: string, path: string): Match {
  const sub = path.startsWith(`${PREFIX}/`) ? path.slice(PREFIX.length) : null;
  let partial: Route | undefined;
  if (sub !== null) {
    for (const c of COMPILED) {
      const m = c.regex.exec(sub);
      if (!m) continue;
      if (c.route.method === method) {
        return { kind: 'route', route: c.route, params: Object.fromEntries(c.names.map((n, i) => [n, m[i + 1] ?? ''])) };
      }
      partial ??= c.route;
    }
  }
  if (method === 'GET') return { kind: 'status', status: 404 };
  return { kind: 'status', status: 405, allow: partial?.method ?? 'GET' };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // JSON.stringify writes NaN and Infinity as null, exactly like FreqTrade's orjson responses.
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(json);
}

/** Reads a JSON body; FastAPI answers a syntax error with 422 json_invalid. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(422, [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }]);
  }
}

function decodePath(rawUrl: string): { path: string; query: URLSearchParams } {
  const url = new URL(rawUrl, 'http://bot.invalid');
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as sent; it will not match a route.
  }
  return { path, query: url.searchParams };
}

/** The request handler of one bot's API. Exported for tests that drive it without a socket. */
export function createBotApiHandler(bot: BotRuntime, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const { path, query } = decodePath(req.url ?? '/');
    res.once('finish', () => bot.stats.request(res.statusCode));
    try {
      const m = match(method, path);
      if (m.kind === 'status') {
        req.resume();
        if (m.status === 404) return send(res, 404, { detail: 'Not Found' });
        return send(res, 405, { detail: 'Method Not Allowed' }, { allow: m.allow ?? 'GET' });
      }
      const authorization = req.headers.authorization;
      if (m.route.auth === 'required') {
        const auth = authenticate(authorization, bot.config.api);
        if (!auth.ok) {
          req.resume();
          return send(res, 401, { detail: auth.detail }, auth.challenge ? { 'www-authenticate': auth.challenge } : {});
        }
      }
      let body: unknown;
      if (m.route.readsBody) body = await readJson(req);
      else req.resume();
      const result = await m.route.handle({ bot, authorization, query, params: m.params, body, now: new Date(bot.clock()) });
      send(res, 200, result);
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, { detail: err.detail }, err.headers);
      if (err instanceof RpcError) {
        logger.log('warn', 'API error', { path, error: err.message });
        return send(res, 502, { error: `Error querying ${path}: ${err.message}` });
      }
      logger.log('error', 'unhandled API error', { path, error: err instanceof Error ? err.message : String(err) });
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error');
    }
  };
}

/** Requests a bot's server is handling, and whether it still takes new ones (see retireBotApi). */
interface Gate {
  retiring: boolean;
  inFlight: number;
  drained: Array<() => void>;
}
const gates = new WeakMap<Server, Gate>();

/** How long retiring waits for requests already being handled before cutting their connections. */
export const RETIRE_WAIT_MS = 10_000;

/**
 * Stops a bot's API taking work while its port stays bound: every new request gets 503, and the promise resolves once
 * the requests already being handled are answered (or cut after RETIRE_WAIT_MS). The host saves the bot's state after
 * this and only then closes the port, so whoever sees the port closed (the pool scaler moving the bot) reads a final
 * state file.
 */
export function retireBotApi(server: Server, waitMs = RETIRE_WAIT_MS): Promise<void> {
  const gate = gates.get(server);
  if (!gate) return Promise.resolve();
  gate.retiring = true;
  server.closeIdleConnections();
  if (gate.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, waitMs);
    gate.drained.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Where a bot's API listens: TCP (a local process) or its own Unix socket (a container without a network). */
export type ApiListenAddress = { host: string } | { socketPath: string };

export const listenAddressText = (at: ApiListenAddress, port: number): string => ('socketPath' in at ? `unix:${at.socketPath}` : `${at.host}:${port}`);

/** Starts one bot's API server; rejects (without leaking the config) if it cannot listen. */
export async function listenBotApi(bot: BotRuntime, at: ApiListenAddress, logger: Logger): Promise<Server> {
  const handler = createBotApiHandler(bot, logger);
  const gate: Gate = { retiring: false, inFlight: 0, drained: [] };
  const server = createServer({ keepAliveTimeout: 5_000, headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    if (gate.retiring) {
      req.resume();
      return send(res, 503, { detail: 'The bot is stopping' }, { connection: 'close' });
    }
    gate.inFlight++;
    void handler(req, res).finally(() => {
      if (--gate.inFlight === 0) for (const done of gate.drained.splice(0)) done();
    });
  });
  gates.set(server, gate);
  // A socket file left by a container that was killed would refuse the bind; nobody else can write this directory.
  if ('socketPath' in at) await rm(at.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(`bot ${bot.id}: cannot listen on ${listenAddressText(at, bot.config.apiPort)} (${err.code ?? err.message})`));
    });
    const ready = () => {
      server.removeAllListeners('error');
      server.on('error', (err) => logger.log('error', 'API server error', { error: err.message }));
      resolve();
    };
    if ('socketPath' in at) server.listen(at.socketPath, ready);
    else server.listen(bot.config.apiPort, at.host, ready);
  });
  // The platform's processes (root on the host) connect; the 0700 directory owned by the bot user keeps others out.
  if ('socketPath' in at) await chmod(at.socketPath, 0o666);
  return server;
}

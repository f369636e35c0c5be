// The paper exchange's HTTP server: Binance Spot REST under /api/v3, the admin API under /admin, and startPaperExchange() for in-process use.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { pino, type Logger } from 'pino';
import { randomKey, type AccountSeed } from './accounts.js';
import { AdminError, adminRouter } from './admin.js';
import { apiGate } from './api-request.js';
import { BinanceError, errors } from './errors.js';
import type { FaultRuleInput } from './faults.js';
import { PaperExchange, type EngineOptions } from './paper-exchange.js';
import { accountRouter } from './routes-account.js';
import { marketRouter } from './routes-market.js';
import { sapiRouter } from './routes-sapi.js';
import { tradingRouter } from './routes-trading.js';

export interface PaperExchangeOptions extends EngineOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8090; 0 picks a free port. */
  port?: number;
  /** Token for /admin; undefined generates one (see handle.adminToken), false turns the admin API off. */
  adminToken?: string | false;
  /** Request lines go to debug; default silent. */
  logger?: Logger;
}

export function buildApp(engine: PaperExchange, adminToken: string | undefined, log: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    // Only method, path and status: query strings and bodies carry signatures.
    const path = req.originalUrl.split('?')[0];
    res.on('finish', () => log.debug({ method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'));
    next();
  });

  app.use('/admin', express.json({ limit: '5mb' }), adminRouter(engine, adminToken));

  const api = Router();
  api.use(express.text({ type: 'application/x-www-form-urlencoded', limit: '64kb' }));
  api.use(apiGate(engine));
  api.use(marketRouter(engine));
  api.use(tradingRouter(engine));
  api.use(accountRouter(engine));
  api.use(() => {
    throw errors.unsupported();
  });
  app.use('/api/v3', api);
  app.use('/sapi/v1', express.text({ type: 'application/x-www-form-urlencoded', limit: '64kb' }), apiGate(engine), sapiRouter(engine));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint; the Binance API is under /api/v3' } });
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof BinanceError) {
      res.set(err.headers).status(err.status).json(err.body);
    } else if (err instanceof AdminError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } });
    } else if (req.originalUrl.startsWith('/admin') && err instanceof Error && 'status' in err && err.status === 400) {
      res.status(400).json({ error: { code: 'invalid_request', message: 'request body is not valid JSON' } });
    } else {
      log.error({ err, method: req.method, path: req.originalUrl.split('?')[0] }, 'paper exchange request failed');
      if (req.originalUrl.startsWith('/admin')) res.status(500).json({ error: { code: 'internal', message: (err as Error).message } });
      else res.status(500).json(errors.unknown().body);
    }
  });
  return app;
}

export interface PaperExchangeHandle {
  /** http://host:port */
  url: string;
  /** url + /api/v3: what ccxt's urls.api.public and urls.api.private are set to. */
  apiUrl: string;
  /** url + /sapi/v1: optional urls.api.sapi (margin pairs, delist schedule answered empty). */
  sapiUrl: string;
  port: number;
  /** Token for /admin, or undefined when the admin API is off. */
  adminToken: string | undefined;
  engine: PaperExchange;
  /** ccxt `binance` constructor options pointing at this exchange (the platform's configuration, spot only). */
  ccxtConfig(credentials?: { apiKey: string; secret: string }): Record<string, unknown>;
  createAccount(seed?: AccountSeed): { id: string; apiKey: string; secret: string };
  account(idOrKey: string): ReturnType<PaperExchange['accountState']>;
  setBalances(idOrKey: string, balances: Record<string, string | number>): void;
  setPrice(symbol: string, price: number): void;
  pushPricePath(symbol: string, prices: number[]): void;
  pause(symbol?: string): void;
  resume(symbol?: string): void;
  tick(count?: number): void;
  prices(): ReturnType<PaperExchange['prices']>;
  injectFault(rule: FaultRuleInput): void;
  clearFaults(): void;
  resetWeights(): void;
  close(): Promise<void>;
}

export async function startPaperExchange(options: PaperExchangeOptions = {}): Promise<PaperExchangeHandle> {
  const engine = new PaperExchange(options);
  const adminToken = options.adminToken === false ? undefined : (options.adminToken ?? randomKey(40));
  const log = options.logger ?? pino({ level: 'silent' });
  const server = http.createServer(buildApp(engine, adminToken, log));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8090, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  engine.start();
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const apiUrl = `${url}/api/v3`;
  let closed = false;
  return {
    url,
    apiUrl,
    sapiUrl: `${url}/sapi/v1`,
    port,
    adminToken,
    engine,
    ccxtConfig: (credentials) => ({
      ...(credentials ? { apiKey: credentials.apiKey, secret: credentials.secret } : {}),
      urls: { api: { public: apiUrl, private: apiUrl } },
      // fetchMargins: with credentials ccxt would otherwise ask the real sapi host for margin pairs inside loadMarkets.
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
    }),
    createAccount: (seed) => engine.createAccount(seed),
    account: (id) => engine.accountState(id),
    setBalances: (id, balances) => engine.setBalances(id, balances),
    setPrice: (symbol, price) => engine.setPrice(symbol, price),
    pushPricePath: (symbol, prices) => engine.pushPricePath(symbol, prices),
    pause: (symbol) => engine.setPaused(true, symbol),
    resume: (symbol) => engine.setPaused(false, symbol),
    tick: (count) => engine.tick(count),
    prices: () => engine.prices(),
    injectFault: (rule) => void engine.injectFault(rule),
    clearFaults: () => engine.clearFaults(),
    resetWeights: () => engine.resetWeights(),
    async close() {
      if (closed) return;
      closed = true;
      engine.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// Admin API under /admin (never /api/v3), behind a bearer token: script prices, manage accounts, inject faults, reset weights.
import { timingSafeEqual } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { FaultRule } from './faults.js';
import { normalizeSymbol, type PaperExchange } from './paper-exchange.js';

export class AdminError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
  }
}

const amount = z.union([z.string().regex(/^\d{1,20}(\.\d{1,8})?$/), z.number().nonnegative()]);
const Balances = z.record(z.string().regex(/^[A-Z0-9]{1,20}$/), amount);
const NewAccount = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).optional(),
  label: z.string().max(200).optional(),
  apiKey: z.string().regex(/^[A-Za-z0-9]{1,128}$/).optional(),
  secret: z.string().min(1).max(256).optional(),
  balances: Balances.optional(),
  makerCommission: z.number().min(0).max(0.1).optional(),
  takerCommission: z.number().min(0).max(0.1).optional(),
});
const Price = z.object({ price: z.number().positive() });
const Path = z.object({ prices: z.array(z.number().positive()).min(1).max(100_000) });
const Tick = z.object({ count: z.number().int().min(1).max(100_000).default(1) });

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new AdminError(400, 'invalid_request', issue.message, issue.path.join('.') || undefined);
  }
  return r.data;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function adminRouter(engine: PaperExchange, adminToken: string | undefined): Router {
  const router = Router();

  router.use((req: Request, _res: Response, next: NextFunction) => {
    if (!adminToken) throw new AdminError(404, 'admin_disabled', 'the admin API is off: start the exchange with an admin token');
    const header = req.get('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7) : req.get('x-admin-token');
    if (!token || !sameToken(token, adminToken)) throw new AdminError(401, 'unauthorized', 'send the admin token as "Authorization: Bearer <token>"');
    next();
  });

  const symbolOf = (req: Request): string => {
    const symbol = normalizeSymbol(String(req.params['symbol']));
    if (!engine.markets.has(symbol)) throw new AdminError(404, 'not_found', `no market ${symbol}`, 'symbol');
    return symbol;
  };
  const accountOf = (req: Request): string => {
    const id = String(req.params['id']);
    if (!engine.accounts.find(id)) throw new AdminError(404, 'not_found', `no account ${id}`, 'id');
    return id;
  };

  router.get('/health', (_req, res) => {
    res.json({ ok: true, markets: engine.markets.size, ticks: engine.feed.ticks, serverTime: engine.now() });
  });

  router.get('/prices', (_req, res) => {
    res.json(engine.prices());
  });
  router.post('/prices/:symbol', (req, res) => {
    const symbol = symbolOf(req);
    engine.setPrice(symbol, parse(Price, req.body).price);
    res.json(engine.feed.status(symbol));
  });
  router.post('/prices/:symbol/path', (req, res) => {
    const symbol = symbolOf(req);
    engine.pushPricePath(symbol, parse(Path, req.body).prices);
    res.json(engine.feed.status(symbol));
  });
  router.delete('/prices/:symbol/path', (req, res) => {
    const symbol = symbolOf(req);
    engine.feed.clearPath(symbol);
    res.json(engine.feed.status(symbol));
  });
  router.post('/prices/:symbol/pause', (req, res) => {
    const symbol = symbolOf(req);
    engine.setPaused(true, symbol);
    res.json(engine.feed.status(symbol));
  });
  router.post('/prices/:symbol/resume', (req, res) => {
    const symbol = symbolOf(req);
    engine.setPaused(false, symbol);
    res.json(engine.feed.status(symbol));
  });
  router.post('/pause', (_req, res) => {
    engine.setPaused(true);
    res.json({ paused: true });
  });
  router.post('/resume', (_req, res) => {
    engine.setPaused(false);
    res.json({ paused: false });
  });
  router.post('/tick', (req, res) => {
    const { count } = parse(Tick, req.body);
    engine.tick(count);
    res.json({ ticks: engine.feed.ticks });
  });

  router.get('/accounts', (_req, res) => {
    res.json(engine.listAccounts());
  });
  router.post('/accounts', (req, res) => {
    const seed = parse(NewAccount, req.body);
    if (seed.apiKey && engine.accounts.find(seed.apiKey)) throw new AdminError(409, 'conflict', 'an account with this apiKey exists', 'apiKey');
    if (seed.id && engine.accounts.find(seed.id)) throw new AdminError(409, 'conflict', `account ${seed.id} exists`, 'id');
    // The secret is returned once, to the caller that created it.
    res.status(201).json(engine.createAccount(seed));
  });
  router.get('/accounts/:id', (req, res) => {
    res.json(engine.accountState(accountOf(req)));
  });
  router.put('/accounts/:id/balances', (req, res) => {
    const id = accountOf(req);
    engine.setBalances(id, parse(Balances, req.body));
    res.json(engine.accountState(id));
  });

  router.get('/faults', (_req, res) => {
    res.json(engine.faults.list());
  });
  router.post('/faults', (req, res) => {
    res.status(201).json(engine.injectFault(parse(FaultRule, req.body)));
  });
  router.delete('/faults', (_req, res) => {
    engine.clearFaults();
    res.json({ cleared: true });
  });
  router.post('/weights/reset', (_req, res) => {
    engine.resetWeights();
    res.json({ reset: true });
  });
  router.post('/snapshot', (_req, res) => {
    engine.saveSnapshot();
    res.json({ saved: true });
  });

  return router;
}

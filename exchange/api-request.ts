// What every /api/v3 request goes through before its route: parameters, injected faults, request weight; and typed parameter readers.
import type { NextFunction, Request, Response } from 'express';
import { parseUnits } from '../domain/exchange-decimal.js';
import type { Account } from './accounts.js';
import { errors } from './errors.js';
import type { Market } from './markets.js';
import type { PaperExchange } from './paper-exchange.js';
import { authenticate, parseParams, type RequestParams } from './signing.js';
import { requestWeight } from './weights.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function paramsOf(res: Response): RequestParams {
  return res.locals['params'] as RequestParams;
}

/** Parses parameters, applies faults, charges request weight (429 over the limit) and sets X-MBX-USED-WEIGHT-1M. */
export function apiGate(engine: PaperExchange) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const q = req.originalUrl.indexOf('?');
    const rawQuery = q >= 0 ? req.originalUrl.slice(q + 1) : '';
    const rawBody = typeof req.body === 'string' ? req.body : '';
    const path = req.path.replace(/^\/+/, '');
    const plan = engine.faults.take(req.method, path, req.header('x-mbx-apikey'));
    if (plan.latencyMs > 0) await sleep(plan.latencyMs);
    if (plan.before?.kind === 'rateLimit') {
      res.set('Retry-After', String(plan.before.retryAfterSeconds));
      res.status(429).json(errors.tooMuchWeight(engine.weights.limit, plan.before.retryAfterSeconds).body);
      return;
    }
    if (plan.before) {
      // Binance's 5xx come from its gateway, not as {code, msg}: the execution status is unknown to the client.
      res.status(plan.before.status).type('text/plain').send('Service Unavailable');
      return;
    }
    if (plan.after) {
      const status = plan.after.status;
      res.json = function replaced() {
        return res.status(status).type('text/plain').send('Service Unavailable');
      };
    }
    const params = parseParams(rawQuery, rawBody);
    res.locals['params'] = params;
    const charge = engine.weights.charge(req.ip ?? 'local', requestWeight(req.method, path, params.values), engine.now());
    res.set('X-MBX-USED-WEIGHT-1M', String(charge.used));
    if (charge.retryAfterSeconds !== undefined) throw errors.tooMuchWeight(engine.weights.limit, charge.retryAfterSeconds);
    next();
  };
}

export function signedAccount(engine: PaperExchange, req: Request, res: Response): Account {
  return authenticate(req.get('X-MBX-APIKEY'), paramsOf(res), engine.accounts, engine.now());
}

export function optional(p: RequestParams, name: string): string | undefined {
  const v = p.values.get(name);
  return v === undefined || v === '' ? undefined : v;
}

export function required(p: RequestParams, name: string): string {
  const v = optional(p, name);
  if (v === undefined) throw errors.mandatory(name);
  return v;
}

export function optionalInt(p: RequestParams, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = optional(p, name);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,16}$/.test(v)) throw errors.illegalChars(name, '^[0-9]{1,16}$');
  const n = Number(v);
  if (n > max) throw errors.tooLarge(name, max);
  return n;
}

/** A decimal parameter in 8-decimal units; malformed is -1100, too many decimals -1111. */
export function optionalDecimal(p: RequestParams, name: string): bigint | undefined {
  const v = optional(p, name);
  if (v === undefined) return undefined;
  const parsed = parseUnits(v);
  if (!parsed.ok) throw parsed.reason === 'precision' ? errors.badPrecision(name) : errors.illegalChars(name, '^([0-9]{1,20})(\\.[0-9]{1,20})?$');
  return parsed.units;
}

export function marketParam(engine: PaperExchange, p: RequestParams, name = 'symbol'): Market {
  const symbol = required(p, name);
  const market = engine.markets.get(symbol);
  if (!market) throw errors.invalidSymbol();
  return market;
}

/** symbol= or symbols=["A","B"] or neither (all markets), as the ticker endpoints accept them. */
export function marketsParam(engine: PaperExchange, p: RequestParams): { markets: Market[]; single: boolean } {
  const symbol = optional(p, 'symbol');
  const symbols = optional(p, 'symbols');
  if (symbol !== undefined && symbols !== undefined) throw errors.optionalParamsBadCombo();
  if (symbol !== undefined) return { markets: [marketParam(engine, p)], single: true };
  if (symbols === undefined) return { markets: [...engine.markets.values()], single: false };
  let list: unknown;
  try {
    list = JSON.parse(symbols);
  } catch {
    throw errors.invalidParam('symbols');
  }
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string')) throw errors.invalidParam('symbols');
  return {
    markets: (list as string[]).map((s) => {
      const m = engine.markets.get(s);
      if (!m) throw errors.invalidSymbol();
      return m;
    }),
    single: false,
  };
}

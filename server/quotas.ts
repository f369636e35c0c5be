// The per-user and per-address limits at the API edge: each answers 409 (a count) or 429 (a rate) naming the limit.
import type { Request } from 'express';
import type { Limits } from '../domain/config.js';
import { countBotsForUser, countExchangeAccountsForUser, takeRateSlot, type RateCheck } from '../db/quotas.js';
import type { Db } from '../db/pool.js';
import { currentUser } from './auth/middleware.js';
import { HttpError } from './errors.js';

const HOUR = 3600;

const overCount = (what: string, limit: number, setting: string) =>
  new HttpError(409, 'quota_exceeded', `${what}: you have reached the limit of ${limit} (${setting}); delete one first`);

export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, 'rate_limited', message, undefined, { 'Retry-After': String(retryAfterSeconds) });

export interface Quotas {
  /** Before a bot is created: the user's bots, and FreqTrade bots apart. */
  checkNewBot(userId: string, engine: string): Promise<void>;
  checkNewExchangeAccount(userId: string): Promise<void>;
  /** Counts one strategy upload of the user in the hour, or refuses it. */
  takeStrategyUpload(userId: string): Promise<void>;
  /** Counts one sign-up from the client address in the hour, or refuses it. */
  takeSignup(address: string): Promise<void>;
  /** Holds one of the user's open-stream slots until the stream closes; 429 when all are taken. */
  openStream(req: Request): () => void;
}

export function createQuotas(db: Db, limits: Limits): Quotas {
  const open = new Map<string, number>();
  const take = async (check: RateCheck, message: string) => {
    const slot = await takeRateSlot(db, [check]);
    if (!slot.ok) throw rateLimited(message, check.windowSeconds);
  };
  return {
    async checkNewBot(userId, engine) {
      if ((await countBotsForUser(db, userId)) >= limits.MAX_BOTS_PER_USER) throw overCount('bots', limits.MAX_BOTS_PER_USER, 'MAX_BOTS_PER_USER');
      if (engine === 'freqtrade' && (await countBotsForUser(db, userId, 'freqtrade')) >= limits.MAX_FREQTRADE_BOTS_PER_USER) {
        throw overCount('FreqTrade bots', limits.MAX_FREQTRADE_BOTS_PER_USER, 'MAX_FREQTRADE_BOTS_PER_USER');
      }
    },
    async checkNewExchangeAccount(userId) {
      if ((await countExchangeAccountsForUser(db, userId)) >= limits.MAX_EXCHANGE_ACCOUNTS_PER_USER) {
        throw overCount('exchange accounts', limits.MAX_EXCHANGE_ACCOUNTS_PER_USER, 'MAX_EXCHANGE_ACCOUNTS_PER_USER');
      }
    },
    takeStrategyUpload: (userId) =>
      take(
        { key: `strategy-upload:${userId}`, limit: limits.MAX_STRATEGY_UPLOADS_PER_HOUR, windowSeconds: HOUR },
        `strategy uploads: you have reached the limit of ${limits.MAX_STRATEGY_UPLOADS_PER_HOUR} per hour (MAX_STRATEGY_UPLOADS_PER_HOUR); try again later`,
      ),
    takeSignup: (address) =>
      take(
        { key: `signup:${address}`, limit: limits.MAX_SIGNUPS_PER_ADDRESS_PER_HOUR, windowSeconds: HOUR },
        `sign-ups: this address has reached the limit of ${limits.MAX_SIGNUPS_PER_ADDRESS_PER_HOUR} per hour; try again later`,
      ),
    openStream(req) {
      const userId = currentUser(req).id;
      const count = open.get(userId) ?? 0;
      if (count >= limits.MAX_SSE_STREAMS_PER_USER) {
        throw rateLimited(`live streams: you have ${count} open, the limit is ${limits.MAX_SSE_STREAMS_PER_USER} (MAX_SSE_STREAMS_PER_USER); close a tab`, 5);
      }
      open.set(userId, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(userId) ?? 1) - 1;
        if (left > 0) open.set(userId, left);
        else open.delete(userId);
      };
    },
  };
}

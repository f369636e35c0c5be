// /api/exchanges/:id/markets: the active spot markets of an exchange profile, so the dashboard's pair pickers list
// what exists. Read through the same per-process market cache the bot checks use (activities/market-cache.ts).
import ccxt from 'ccxt';
import { Router } from 'express';
import { exchangeProfile } from '../../domain/exchanges.js';
import { cachedMarkets } from '../../activities/market-cache.js';
import { requireScope } from '../auth/scopes.js';
import { HttpError } from '../errors.js';

/** Whether `id` names an exchange profile: the paper exchange or a ccxt exchange id. */
export const isKnownExchange = (id: string): boolean => id === 'paper' || (/^[a-z0-9]{2,30}$/.test(id) && ccxt.exchanges.includes(id));

/** The symbols of the exchange's active spot markets, sorted; an unreachable exchange is a 502. */
export async function activeSpotSymbols(id: string, paperExchangeUrl: string): Promise<string[]> {
  let markets: Awaited<ReturnType<typeof cachedMarkets>>;
  try {
    markets = await cachedMarkets(exchangeProfile(id, paperExchangeUrl));
  } catch {
    throw new HttpError(502, 'exchange_unavailable', `${id} cannot be reached now; try again in a minute`);
  }
  return Object.values(markets)
    .filter((m) => m && m.spot !== false && m.active !== false)
    .map((m) => m!.symbol)
    .sort();
}

export function exchangesRouter({ paperExchangeUrl }: { paperExchangeUrl: string }): Router {
  const router = Router();

  router.get('/:id/markets', requireScope('read'), async (req, res) => {
    const id = req.params.id;
    if (!isKnownExchange(id)) throw new HttpError(404, 'not_found', `exchange ${id.slice(0, 40)} not found`);
    res.json({ exchange: id, markets: await activeSpotSymbols(id, paperExchangeUrl) });
  });

  return router;
}

// Checks a bot's pairs and stake against the exchange's real markets (through ccxt) before anything is created.
import type { ExchangeProfile } from '../domain/exchanges.js';
import { fieldError } from '../domain/field-error.js';
import { cachedMarkets } from './market-cache.js';

/**
 * Throws a field error (`pairs.1`, `stakeAmount`), so the API can answer 400 naming the field; an unreachable exchange
 * is a retryable failure.
 */
export async function checkBotMarkets(profile: ExchangeProfile, pairs: readonly string[], stakeAmount: number): Promise<void> {
  const markets = await cachedMarkets(profile);
  for (const [i, pair] of pairs.entries()) {
    const market = markets[pair];
    if (!market || market.spot === false) {
      throw fieldError(`pairs.${i}`, `${pair} is not listed on ${profile.id}`);
    }
    if (market.active === false) throw fieldError(`pairs.${i}`, `${pair} is not trading on ${profile.id} now`);
    const minCost = market.limits?.cost?.min;
    if (minCost !== undefined && minCost !== null && stakeAmount < minCost) {
      throw fieldError('stakeAmount', `${stakeAmount} is below ${profile.id}'s minimum order of ${minCost} ${market.quote} for ${pair}`);
    }
  }
}

// Checks a bot's pairs and stake against the exchange's real markets (through ccxt) before anything is created.
import type { ExchangeProfile } from '../domain/exchanges.js';
import { fieldErrors, type FieldError } from '../domain/field-error.js';
import { cachedMarkets } from './market-cache.js';

/**
 * Throws one field error naming every wrong pair (`pairs.1`) and a stake under a minimum (`stakeAmount`), so the API can
 * answer 400 naming them all at once; an unreachable exchange is a retryable failure.
 */
export async function checkBotMarkets(profile: ExchangeProfile, pairs: readonly string[], stakeAmount: number): Promise<void> {
  const markets = await cachedMarkets(profile);
  const problems: FieldError[] = [];
  for (const [i, pair] of pairs.entries()) {
    const market = markets[pair];
    if (!market || market.spot === false) {
      problems.push({ field: `pairs.${i}`, message: `${pair} is not listed on ${profile.id}` });
      continue;
    }
    if (market.active === false) problems.push({ field: `pairs.${i}`, message: `${pair} is not trading on ${profile.id} now` });
    const minCost = market.limits?.cost?.min;
    if (minCost !== undefined && minCost !== null && stakeAmount < minCost && !problems.some((p) => p.field === 'stakeAmount')) {
      problems.push({ field: 'stakeAmount', message: `${stakeAmount} is below ${profile.id}'s minimum order of ${minCost} ${market.quote} for ${pair}` });
    }
  }
  if (problems.length) throw fieldErrors(problems);
}

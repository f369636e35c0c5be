// Changing the pairs a bot trades (its whitelist) after it was created: the input, the answer, and the check that a
// running bot took the new list (the same for FreqTrade's /whitelist and the builtin host's).
import { z } from 'zod';
import { BotStatus, PairList } from './bot.js';

/** The `changeBotPairs` update and `PUT /api/bots/:id/pairs`: the whole new list, in the order the bot goes through it. */
export const BotPairsInput = z.object({ pairs: PairList }).strict();
export type BotPairsInput = z.input<typeof BotPairsInput>;

/** The answer to a change: the bot's status and pairs now, the pairs it had, and whether a running bot trades the new
 * list already (its /whitelist answers it); false for a stopped bot, which takes it at its next start. */
export const ChangePairsResult = z.object({ status: BotStatus, pairs: z.array(z.string()), previous: z.array(z.string()), applied: z.boolean() });
export type ChangePairsResult = z.infer<typeof ChangePairsResult>;

export const samePairs = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((p, i) => p === b[i]);

/** What the bot's own API says about its pairs: `/whitelist`, the expanded `/blacklist`, and the pairs of open trades. */
export interface BotPairsSeen {
  whitelist: readonly string[];
  blacklisted: readonly string[];
  openTradePairs: readonly string[];
}

/**
 * Whether the bot trades `pairs` now. Its whitelist holds every pair of the list that is not blacklisted, and nothing
 * else but pairs of open trades: FreqTrade keeps a removed pair in its active whitelist while a trade on it is open
 * (it still manages that trade), the builtin host manages such a trade without listing the pair.
 */
export function tradesPairs(pairs: readonly string[], seen: BotPairsSeen): boolean {
  const white = new Set(seen.whitelist);
  const black = new Set(seen.blacklisted);
  const allowed = new Set([...pairs, ...seen.openTradePairs]);
  return pairs.every((p) => black.has(p) || white.has(p)) && seen.whitelist.every((p) => allowed.has(p));
}

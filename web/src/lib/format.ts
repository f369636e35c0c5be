// Display formatting shared by the bot pages.
import type { Bot } from '#lib/types.ts';

export const formatPairs = (pairs: readonly string[]): string => pairs.join(', ');

export const formatStake = (bot: Pick<Bot, 'stakeAmount' | 'stakeCurrency'>): string =>
  `${bot.stakeAmount.toLocaleString('en-US', { maximumFractionDigits: 8 })} ${bot.stakeCurrency}`;

/** ISO timestamp as a short UTC date-time; the same on server and client, so hydration does not flicker. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Pairs typed as free text ("btc/usdt, ETH/USDT eth/usdt") to the array the API takes; the API validates each. */
export const parsePairs = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((p) => p.trim().toUpperCase())
    .filter(Boolean);

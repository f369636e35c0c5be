// Display formatting shared by the pages: bots, money and amounts, times.
import type { Bot } from '#lib/types.ts';
import type { ForceExitOutcome } from '#domain/bot-trading.ts';

export const formatPairs = (pairs: readonly string[]): string => pairs.join(', ');

export const formatStake = (bot: Pick<Bot, 'stakeAmount' | 'stakeCurrency'>): string =>
  `${bot.stakeAmount.toLocaleString('en-US', { maximumFractionDigits: 8 })} ${bot.stakeCurrency}`;

/** ISO timestamp as a short UTC date-time; the same on server and client, so hydration does not flicker. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The time of day to the second, UTC: when a number that refreshes was read. */
export const formatClock = (iso: string): string => `${new Date(iso).toISOString().slice(11, 19)} UTC`;

/** Pairs typed as free text ("btc/usdt, ETH/USDT eth/usdt") to the array the API takes; the API validates each. */
export const parsePairs = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((p) => p.trim().toUpperCase())
    .filter(Boolean);

/** To the second: how long a bot has not answered is a matter of seconds. */
export function formatTimeSeconds(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Optional ISO timestamp; "never" when the thing has not happened yet. */
export const formatOptionalTime = (iso: string | null): string => (iso === null ? 'never' : formatTime(iso));

/** Optional ISO timestamp to the second; "never" when the thing has not happened yet. */
export const formatOptionalTimeSeconds = (iso: string | null): string => (iso === null ? 'never' : formatTimeSeconds(iso));

/** A value in the quote currency, to the cent: "12,345.67 USDT". */
export const formatMoney = (value: number, quote: string): string =>
  `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${quote}`;

/** P&L with an explicit sign, so gains and losses read apart even without colour: "+12.30 USDT", "−4.10 USDT". */
export function formatSignedMoney(value: number, quote: string): string {
  const rounded = Math.round(value * 100) / 100;
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '';
  return `${sign}${formatMoney(Math.abs(rounded), quote)}`;
}

/** Which colour a P&L takes: up, down or flat (flat below half a cent). */
export const pnlTone = (value: number): 'up' | 'down' | 'flat' => (value >= 0.005 ? 'up' : value <= -0.005 ? 'down' : 'flat');

/** An asset amount as exchanges show it: up to 8 decimals, no trailing zeros. */
export const formatAmount = (amount: number): string => amount.toLocaleString('en-US', { maximumFractionDigits: 8 });

/** A share of a whole (0.4213 → "42.1 %"). */
export const formatWeight = (weight: number): string => `${(weight * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })} %`;

/** A sync interval in words: 60 → "1 min", 90 → "90 s", 3600 → "1 h". */
export function formatInterval(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A price that may not be known yet ("—"), to 8 significant decimals like exchanges show it. */
export const formatPrice = (price: number | null | undefined): string => (price === null || price === undefined ? '—' : formatAmount(price));

/** A percentage that may not be known yet: 2.5 → "2.5 %". */
export const formatPct = (pct: number | null | undefined): string =>
  pct === null || pct === undefined ? '—' : `${pct.toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;

/** The base and quote assets of a pair: "BTC/USDT" → ["BTC", "USDT"]. */
export function splitPair(symbol: string): [string, string] {
  const [base = symbol, quote = ''] = symbol.split('/');
  return [base, quote];
}

/** A forced exit's result in words: "#3 BTC/USDT closed at 50,120 with +1.20 USDT (+0.24 %)", or that it is still closing. */
export function formatExitOutcome(o: ForceExitOutcome, currency: string): string {
  if (!o.closed) return `#${o.tradeId} ${o.pair}: exit order placed; the trade closes when it fills`;
  const profit = o.profitAbs === null ? '' : ` with ${formatSignedMoney(o.profitAbs, currency)}${o.profitRatio === null ? '' : ` (${formatSignedPct(o.profitRatio * 100)})`}`;
  return `#${o.tradeId} ${o.pair} closed at ${formatPrice(o.closeRate)}${profit}`;
}

const formatSignedPct = (pct: number): string => `${pct > 0 ? '+' : ''}${pct.toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;

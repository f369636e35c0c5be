// What the guard pages show of a guard beyond its raw fields: what it protects and its next take-profit target.
import { formatAmount, formatPrice } from '#lib/format.ts';
import type { Guard, GuardRules, RiskGuard } from '#lib/types.ts';

type Target = NonNullable<GuardRules['takeProfit']>['targets'][number];

/**
 * A take-profit target's price: its own, or its % gain over the entry. The same as domain/guard.ts `targetPrice`,
 * which is not imported here because that module would bring the zod schemas into the browser's bundle.
 */
export const targetPrice = (t: Target, entryPrice: number): number => t.price ?? entryPrice * (1 + (t.pct ?? 0) / 100);

/** Names the pages know for ids: the user's bots and exchange accounts. */
export interface GuardNames {
  bots: Record<string, string>;
  accounts: Record<string, string>;
}

/**
 * What a guard protects, as a label and a link: "Bot name · trade #12" or the account's label. A bot or account that
 * is gone (deleted) has no page: no link, and the label says so.
 */
export function guardTarget(guard: Guard, names: GuardNames): { label: string; href: string | null } {
  const t = guard.target;
  if (t.kind === 'bot_trade') {
    const name = names.bots[t.botId];
    return { label: `${name ?? 'deleted bot'} · trade #${t.tradeId}`, href: name === undefined ? null : `/bots/${t.botId}` };
  }
  const label = names.accounts[t.exchangeAccountId];
  return { label: label ?? 'deleted exchange account', href: label === undefined ? null : `/accounts/${t.exchangeAccountId}` };
}

/** Whether a guard still acts: only then do its stop, distance and next target mean anything. */
export const guardActive = (guard: Guard): boolean => guard.state === 'watching' || guard.state === 'exiting';

/** The next take-profit target: "#2 at 61,000 (sell 0.25)", or "—" when none is left. */
export function nextTargetText(guard: Guard): string {
  const target = guard.rules.takeProfit?.targets[guard.nextTarget];
  if (!target) return '—';
  return `#${guard.nextTarget + 1} at ${formatPrice(targetPrice(target, guard.entryPrice))} (sell ${formatAmount(target.fraction)})`;
}

/** A risk guard's scope: the bot's name (no link once the bot is deleted), or "Portfolio". */
export function riskScope(risk: RiskGuard, names: GuardNames): { label: string; href: string | null } {
  if (risk.scope.kind === 'bot') {
    const name = names.bots[risk.scope.botId];
    return { label: name ?? 'deleted bot', href: name === undefined ? null : `/bots/${risk.scope.botId}` };
  }
  return { label: 'Portfolio', href: '/portfolio' };
}

/** A risk guard's limits in words: "drawdown 10 %, daily loss 3 %; force exit; every 15 s". */
export function riskLimits(risk: RiskGuard): string {
  const { maxDrawdownPct, maxDailyLossPct, forceExit, checkIntervalSeconds } = risk.rules;
  const limits = [
    maxDrawdownPct === undefined ? null : `drawdown ${maxDrawdownPct} %`,
    maxDailyLossPct === undefined ? null : `daily loss ${maxDailyLossPct} %`,
  ].filter(Boolean);
  return `${limits.join(', ')}${forceExit ? '; force exit' : ''}; every ${checkIntervalSeconds} s`;
}

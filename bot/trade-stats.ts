// Trade statistics as FreqTrade computes them (rpc.py, data/metrics.py): /profit, /daily|weekly|monthly and /stats.
import { formatDate } from './log.js';
import { groupedPerformance, profitAtRate, type LedgerTrade } from './trade-ledger.js';

const DAY_MS = 86_400_000;
const round = (v: number, digits: number): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]): number => (xs.length ? sum(xs) / xs.length : 0);
/** numpy.std (population); NaN for an empty list like numpy. */
const popStd = (xs: readonly number[]): number => {
  if (!xs.length) return Number.NaN;
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};
const wholeDays = (from: Date, to: Date): number => Math.floor((to.getTime() - from.getTime()) / DAY_MS);
const argFirst = (xs: readonly number[], better: (a: number, b: number) => boolean): number =>
  xs.reduce((best, x, i) => (better(x, xs[best] as number) ? i : best), 0);

interface ClosedPoint {
  closeDate: Date;
  profitAbs: number;
}

/** metrics.calculate_expectancy: expected profit per trade and its ratio to the average loss. */
export function expectancy(points: readonly ClosedPoint[]): { expectancy: number; expectancyRatio: number } {
  if (!points.length) return { expectancy: 0, expectancyRatio: 100 };
  const wins = points.filter((p) => p.profitAbs > 0).map((p) => p.profitAbs);
  const losses = points.filter((p) => p.profitAbs < 0).map((p) => -p.profitAbs);
  const avgWin = wins.length ? sum(wins) / wins.length : 0;
  const avgLoss = losses.length ? sum(losses) / losses.length : 0;
  const winrate = wins.length / points.length;
  const exp = winrate * avgWin - (losses.length / points.length) * avgLoss;
  return { expectancy: exp, expectancyRatio: avgLoss > 0 ? (1 + avgWin / avgLoss) * winrate - 1 : 100 };
}

export interface Drawdown {
  drawdownAbs: number;
  highDate: Date | null;
  lowDate: Date | null;
  relative: number;
  currentRelative: number;
  currentAbs: number;
  currentHighValue: number;
  currentHighDate: Date | null;
}

export const NO_DRAWDOWN: Drawdown = {
  drawdownAbs: 0, highDate: null, lowDate: null, relative: 0,
  currentRelative: 0, currentAbs: 0, currentHighValue: 0, currentHighDate: null,
};

/** metrics.calculate_max_drawdown over closed trades sorted by close date (with its leading zero row). */
export function maxDrawdown(points: readonly ClosedPoint[], startingBalance: number): Drawdown {
  if (!points.length) return NO_DRAWDOWN;
  const sorted = [...points].sort((a, b) => a.closeDate.getTime() - b.closeDate.getTime());
  const cum = [0];
  const high = [0];
  for (const p of sorted) {
    const c = (cum[cum.length - 1] as number) + p.profitAbs;
    cum.push(c);
    high.push(Math.max(0, c, high[high.length - 1] as number));
  }
  const dd = cum.map((c, i) => c - (high[i] as number));
  const rel = cum.map((c, i) => {
    if (i === 0) return 0;
    const h = high[i] as number;
    return startingBalance ? (startingBalance + h - (startingBalance + c)) / (startingBalance + h) : (h - c) / h;
  });
  const at = (i: number): Date => (sorted[Math.max(i - 1, 0)] as ClosedPoint).closeDate;
  const idxMin = argFirst(dd, (a, b) => a < b);
  const highIdx = argFirst(high.slice(0, idxMin + 1), (a, b) => a > b);
  const last = cum.length - 1;
  const currentHighIdx = argFirst(high.slice(0, last), (a, b) => a > b);
  return {
    drawdownAbs: Math.abs(dd[idxMin] as number),
    highDate: at(highIdx),
    lowDate: at(idxMin),
    relative: rel[idxMin] as number,
    currentRelative: rel[last] as number,
    currentAbs: (high[last] as number) - (cum[last] as number),
    currentHighValue: high[last] as number,
    currentHighDate: at(currentHighIdx),
  };
}

/** metrics._calculate_annualized_ratio: -100 marks an undefined ratio as "not optimal". */
const annualized = (meanReturn: number, denominator: number): number =>
  denominator !== 0 && !Number.isNaN(denominator) ? (meanReturn / denominator) * Math.sqrt(365) : -100;

/** Humanized distance to now, like Python's humanize.naturaltime ("5 minutes ago"). */
export function humanizeAgo(d: Date, now: Date): string {
  const s = Math.floor((now.getTime() - d.getTime()) / 1000);
  const days = Math.floor(s / 86400);
  const unit = (n: number, one: string, many: string): string => (n === 1 ? `${one} ago` : `${n} ${many} ago`);
  if (s < 1) return 'now';
  if (days === 0) {
    if (s < 60) return unit(s, 'a second', 'seconds');
    if (s < 3600) return unit(Math.floor(s / 60), 'a minute', 'minutes');
    return unit(Math.floor(s / 3600), 'an hour', 'hours');
  }
  if (days < 365) {
    const months = Math.floor(days / 30.5);
    return months === 0 ? unit(days, 'a day', 'days') : unit(months, 'a month', 'months');
  }
  return unit(Math.floor(days / 365), 'a year', 'years');
}

/** Python's str(timedelta) without fractions: "0:00:00", "1 day, 2:03:04". */
export function formatDuration(seconds: number): string {
  const total = Math.floor(seconds);
  const days = Math.floor(total / 86400);
  const rest = total % 86400;
  const hms = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

export interface ProfitContext {
  /** Wallet's starting balance (FreqTrade's wallets.get_starting_balance()). */
  startingBalance: number;
  /** Wallet's current total stake amount (FreqTrade's wallets.get_total_stake_amount()). */
  currentBalance: number;
  botStart: Date | null;
  now: Date;
}

/** GET /profit: FreqTrade's _rpc_trade_statistics() over every trade of the ledger (ordered by id). */
export function computeProfit(trades: readonly LedgerTrade[], ctx: ProfitContext) {
  const allCoin: number[] = [];
  const allRatio: number[] = [];
  const closedCoin: number[] = [];
  const closedRatio: number[] = [];
  const durations: number[] = [];
  let winning = 0;
  let losing = 0;
  let winningProfit = 0;
  let losingProfit = 0;
  for (const t of trades) {
    if (t.closeDate) durations.push((t.closeDate.getTime() - t.openDate.getTime()) / 1000);
    let ratio: number;
    let abs: number;
    if (!t.isOpen) {
      ratio = t.closeProfit ?? 0;
      abs = t.closeProfitAbs ?? 0;
      closedCoin.push(abs);
      closedRatio.push(ratio);
      if (ratio >= 0) {
        winning += 1;
        winningProfit += abs;
      } else {
        losing += 1;
        losingProfit += abs;
      }
    } else {
      if (t.openFillDate === null) continue;
      const p = t.lastRate === null ? null : profitAtRate(t, t.lastRate);
      ratio = p ? p.profitRatio : Number.NaN;
      abs = p ? p.totalProfit : Number.NaN;
    }
    allCoin.push(abs);
    allRatio.push(ratio);
  }
  const closed = trades.filter((t) => !t.isOpen);
  const points = closed.filter((t) => t.closeDate).map((t) => ({ closeDate: t.closeDate as Date, profitAbs: t.closeProfitAbs ?? 0 }));
  const sb = ctx.startingBalance;
  const closedSum = round(sum(closedCoin), 8);
  const allSum = round(sum(allCoin), 8);
  const best = groupedPerformance(closed, (t) => t.pair)[0];
  const { expectancy: exp, expectancyRatio } = expectancy(points);
  const dd = maxDrawdown(points, sb);
  const first = trades[0]?.openDate ?? null;
  const last = trades[trades.length - 1]?.openDate ?? null;
  const spanOk = points.length > 0 && first !== null && last !== null && first.getTime() !== last.getTime();
  const days = first && last ? Math.max(1, wholeDays(first, last)) : 1;
  const returns = points.map((p) => p.profitAbs / sb);
  const sharpe = spanOk ? annualized(sum(returns) / days, popStd(returns)) : 0;
  const sortino = spanOk ? annualized(sum(returns) / days, popStd(returns.filter((r) => r < 0))) : 0;
  let sqn = 0;
  if (returns.length) {
    const m = mean(returns);
    const sd = returns.length > 1 ? Math.sqrt(sum(returns.map((r) => (r - m) ** 2)) / (returns.length - 1)) : Number.NaN;
    sqn = sd !== 0 && !Number.isNaN(sd) ? round(Math.sqrt(returns.length) * (m / sd), 4) : -100;
  }
  const calmar = spanOk ? annualized((sum(returns) / days) * 100, dd.relative) : 0;
  const cagrRaw = ctx.currentBalance < 0 || sb <= 0 ? 0 : (ctx.currentBalance / sb) ** (365 / days) - 1;
  const ts = (d: Date | null): number => (d ? d.getTime() : 0);
  return {
    profit_closed_coin: closedSum,
    profit_closed_percent_mean: round(mean(closedRatio) * 100, 2),
    profit_closed_ratio_mean: mean(closedRatio),
    profit_closed_percent_sum: round(sum(closedRatio) * 100, 2),
    profit_closed_ratio_sum: sum(closedRatio),
    profit_closed_percent: round((sb ? closedSum / sb : 0) * 100, 2),
    profit_closed_ratio: sb ? closedSum / sb : 0,
    profit_closed_fiat: 0,
    profit_all_coin: allSum,
    profit_all_percent_mean: round(mean(allRatio) * 100, 2),
    profit_all_ratio_mean: mean(allRatio),
    profit_all_percent_sum: round(sum(allRatio) * 100, 2),
    profit_all_ratio_sum: sum(allRatio),
    profit_all_percent: round((sb ? allSum / sb : 0) * 100, 2),
    profit_all_ratio: sb ? allSum / sb : 0,
    profit_all_fiat: 0,
    trade_count: trades.length,
    closed_trade_count: closed.length,
    first_trade_date: formatDate(first),
    first_trade_humanized: first ? humanizeAgo(first, ctx.now) : '',
    first_trade_timestamp: ts(first),
    latest_trade_date: formatDate(last),
    latest_trade_humanized: last ? humanizeAgo(last, ctx.now) : '',
    latest_trade_timestamp: ts(last),
    avg_duration: formatDuration(sum(durations) / (durations.length || 1)),
    best_pair: best?.key ?? '',
    best_rate: best ? round(best.profitRatio * 100, 2) : 0,
    best_pair_profit_ratio: best?.profitRatio ?? 0,
    best_pair_profit_abs: best?.profitAbs ?? 0,
    winning_trades: winning,
    losing_trades: losing,
    // No losing trade gives FreqTrade an infinite factor, which its JSON encoder writes as null; so does ours.
    profit_factor: losingProfit ? winningProfit / Math.abs(losingProfit) : Number.POSITIVE_INFINITY,
    winrate: closed.length ? winning / closed.length : 0,
    expectancy: exp,
    expectancy_ratio: expectancyRatio,
    sharpe,
    sortino,
    sqn,
    calmar,
    cagr: Number.isFinite(cagrRaw) ? cagrRaw : 0,
    max_drawdown: dd.relative,
    max_drawdown_abs: dd.drawdownAbs,
    max_drawdown_start: formatDate(dd.highDate),
    max_drawdown_start_timestamp: ts(dd.highDate),
    max_drawdown_end: formatDate(dd.lowDate),
    max_drawdown_end_timestamp: ts(dd.lowDate),
    current_drawdown: dd.currentRelative,
    current_drawdown_abs: dd.currentAbs,
    current_drawdown_high: dd.currentHighValue,
    current_drawdown_start: formatDate(dd.currentHighDate),
    current_drawdown_start_timestamp: ts(dd.currentHighDate),
    trading_volume: sum(trades.map((t) => t.filledVolume)),
    bot_start_timestamp: ts(ctx.botStart),
    bot_start_date: formatDate(ctx.botStart),
  };
}

export type TimeUnit = 'days' | 'weeks' | 'months';

/** GET /daily, /weekly, /monthly: FreqTrade's _rpc_timeunit_profit(), newest period first. */
export function timeunitProfit(trades: readonly LedgerTrade[], timescale: number, unit: TimeUnit, totalStake: number, now: Date) {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (unit === 'weeks') today.setUTCDate(today.getUTCDate() - ((today.getUTCDay() + 6) % 7));
  if (unit === 'months') today.setUTCDate(1);
  const shift = (d: Date, steps: number): Date => {
    const r = new Date(d);
    if (unit === 'months') r.setUTCMonth(r.getUTCMonth() + steps);
    else r.setUTCDate(r.getUTCDate() + steps * (unit === 'weeks' ? 7 : 1));
    return r;
  };
  let dailyStake = totalStake;
  const data = [];
  for (let step = 0; step < timescale; step++) {
    const from = shift(today, -step);
    const to = shift(from, 1);
    const inPeriod = trades.filter((t) => !t.isOpen && t.closeDate && t.closeDate >= from && t.closeDate < to);
    const profit = sum(inPeriod.map((t) => t.closeProfitAbs ?? 0));
    dailyStake -= profit;
    data.push({
      date: from.toISOString().slice(0, 10),
      abs_profit: profit,
      starting_balance: dailyStake,
      rel_profit: dailyStake > 0 ? round(profit / dailyStake, 8) : 0,
      fiat_value: 0,
      trade_count: inPeriod.length,
    });
  }
  return data;
}

/** GET /stats: FreqTrade's _rpc_stats(): wins/losses/draws per exit reason and mean durations. */
export function tradeStats(trades: readonly LedgerTrade[]) {
  const exitReasons: Record<string, { wins: number; losses: number; draws: number }> = {};
  const dur: Record<'wins' | 'losses' | 'draws', number[]> = { wins: [], losses: [], draws: [] };
  for (const t of trades) {
    if (t.isOpen) continue;
    const p = t.closeProfit ?? 0;
    const kind = p > 0 ? 'wins' : p < 0 ? 'losses' : 'draws';
    const reason = (exitReasons[t.exitReason ?? ''] ??= { wins: 0, losses: 0, draws: 0 });
    reason[kind] += 1;
    if (t.closeDate) dur[kind].push((t.closeDate.getTime() - t.openDate.getTime()) / 1000);
  }
  const avg = (xs: number[]): number | null => (xs.length ? sum(xs) / xs.length : null);
  return { exit_reasons: exitReasons, durations: { wins: avg(dur.wins), draws: avg(dur.draws), losses: avg(dur.losses) } };
}

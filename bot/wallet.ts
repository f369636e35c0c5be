// The dry-run wallet of one bot and FreqTrade's /balance (Balances schema) computed from it and the trade ledger.
import type { TradeLedger } from './trade-ledger.js';

/**
 * Share of the wallet the bot may trade. FreqTrade defaults to 0.99; tradefleet sizes each dry-run
 * wallet to exactly stake_amount * max_open_trades, so it trades all of it.
 */
export const TRADABLE_BALANCE_RATIO = 1;

export interface WalletBalance {
  currency: string;
  free: number;
  used: number;
  total: number;
}

/** The bot's wallets in dry-run: starting capital plus closed profit, minus stake tied up in open trades. */
export function dryRunWallets(ledger: TradeLedger, startCapital: number, stakeCurrency: string): WalletBalance[] {
  const open = ledger.open();
  const totProfit = ledger.totalClosedProfit() + open.reduce((s, t) => s + t.realizedProfit, 0);
  const totInTrades = open.reduce((s, t) => s + t.stakeAmount, 0);
  let usedStake = 0;
  const coins = new Map<string, WalletBalance>();
  for (const t of open) {
    if (t.openFillDate === null) usedStake += t.stakeAmount;
    const base = t.pair.split('/')[0] ?? t.pair;
    const prev = coins.get(base)?.total ?? 0;
    coins.set(base, { currency: base, free: prev + t.amount, used: 0, total: prev + t.amount });
  }
  const currentStake = startCapital + totProfit - totInTrades;
  return [{ currency: stakeCurrency, free: currentStake, used: usedStake, total: currentStake + usedStake }, ...coins.values()];
}

export interface WalletFigures {
  /** FreqTrade's get_starting_balance(): the capital the bot started with. */
  startingBalance: number;
  /** FreqTrade's get_total_stake_amount(): free plus tied-up stake, times the tradable ratio. */
  totalStakeAmount: number;
  /** FreqTrade's get_available_stake_amount(): what the bot can still put into new trades. */
  availableStakeAmount: number;
}

export function walletFigures(ledger: TradeLedger, wallets: WalletBalance[], stakeCurrency: string): WalletFigures {
  const free = wallets.find((w) => w.currency === stakeCurrency)?.free ?? 0;
  const openStakes = ledger.openStakes();
  const totalStakeAmount = (openStakes + free) * TRADABLE_BALANCE_RATIO;
  return {
    startingBalance: (free - ledger.totalClosedProfit() + openStakes) * TRADABLE_BALANCE_RATIO,
    totalStakeAmount,
    availableStakeAmount: Math.min(totalStakeAmount - openStakes, free),
  };
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** GET /balance as FreqTrade's _rpc_balance() builds it (spot, no fiat display currency configured). */
export function computeBalances(ledger: TradeLedger, wallets: WalletBalance[], stakeCurrency: string, dryRun: boolean) {
  const figures = walletFigures(ledger, wallets, stakeCurrency);
  const openByBase = new Map(ledger.open().map((t) => [t.pair.split('/')[0] ?? t.pair, t]));
  let total = 0;
  let totalBot = 0;
  const currencies = [];
  for (const w of wallets) {
    if (!w.total && !w.free) continue;
    const isStake = w.currency === stakeCurrency;
    const trade = openByBase.get(w.currency);
    const botOwned = isStake ? figures.availableStakeAmount : (trade?.amount ?? 0);
    const rate = isStake ? 1 : (trade?.lastRate ?? 0);
    const estStake = isStake ? w.total : rate * w.total;
    const estStakeBot = rate * botOwned;
    const isBotManaged = isStake || trade !== undefined;
    total += estStake;
    if (isBotManaged) totalBot += estStakeBot;
    currencies.push({
      currency: w.currency,
      free: w.free,
      balance: w.total,
      used: w.used,
      bot_owned: botOwned,
      est_stake: estStake,
      est_stake_bot: isBotManaged ? estStakeBot : 0,
      stake: stakeCurrency,
      side: 'long',
      is_position: false,
      position: 0,
      is_bot_managed: isBotManaged,
    });
  }
  const startingCapitalRatio = figures.startingBalance ? totalBot / figures.startingBalance - 1 : 0;
  return {
    currencies,
    total,
    total_bot: totalBot,
    symbol: '',
    value: 0,
    value_bot: 0,
    stake: stakeCurrency,
    note: dryRun ? 'Simulated balances' : '',
    starting_capital: figures.startingBalance,
    starting_capital_ratio: startingCapitalRatio,
    starting_capital_pct: round2(startingCapitalRatio * 100),
    starting_capital_fiat: 0,
    starting_capital_fiat_ratio: 0,
    starting_capital_fiat_pct: 0,
  };
}

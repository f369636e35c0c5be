// Values a user's wallets and bots in USDT from balances, the bots' trade ledger and market prices (pure); dry-run
// bots' money is simulated and totalled apart from the real holdings.
import type { Balance } from './exchange-account.js';
import type { BotTrade } from './bot-trade.js';
import type { BotPnl, Holding, OpenPosition, Valuation } from './portfolio.js';

export const QUOTE = 'USDT';

export interface WalletInput {
  accountId: string;
  label: string;
  exchangeId: string;
  balances: readonly Balance[];
}

export interface BotInput {
  id: string;
  name: string;
  status: string;
  /** A dry-run bot trades a simulated wallet: its holdings and P&L are simulated. */
  dryRun: boolean;
  exchange: string;
  stakeAmount: number;
  stakeCurrency: string;
  pairs: readonly string[];
  openTrades: readonly BotTrade[];
  /** Closed trades, summed: the ledger may hold thousands, the valuation needs only their count and profit. */
  closed: { count: number; profitAbs: number };
}

/** Last price per `priceKey(exchangeId, symbol)`. */
export type PriceBook = ReadonlyMap<string, number>;

export interface ValuationInput {
  at: string;
  wallets: readonly WalletInput[];
  bots: readonly BotInput[];
  prices: PriceBook;
}

export interface MarketSymbol {
  exchangeId: string;
  symbol: string;
}

export const priceKey = (exchangeId: string, symbol: string): string => `${exchangeId}\u0000${symbol}`;

/** Bots that never ran or are going away hold nothing. */
const VALUED_BOT = (bot: BotInput): boolean => bot.status !== 'failed' && bot.status !== 'deleting';

/**
 * The capital a bot trades with: the platform configures every dry-run bot with a wallet of
 * stake amount × max open trades, and max open trades is one per pair.
 */
export const botStartingCapital = (bot: Pick<BotInput, 'stakeAmount' | 'pairs'>): number => bot.stakeAmount * bot.pairs.length;

const baseOf = (pair: string): string => pair.split('/')[0] ?? pair;
const round = (v: number): number => Math.round(v * 1e8) / 1e8;
const sum = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0);

/** Splits a bot's trades into what the valuation reads: open trades, and the count and profit of closed ones. */
export function botLedger(trades: readonly BotTrade[]): Pick<BotInput, 'openTrades' | 'closed'> {
  const closed = trades.filter((t) => !t.isOpen);
  return { openTrades: trades.filter((t) => t.isOpen), closed: { count: closed.length, profitAbs: sum(closed.map((t) => t.profitAbs ?? 0)) } };
}

/** Every market whose price the valuation reads: what a live portfolio must watch. */
export function valuationSymbols(wallets: readonly WalletInput[], bots: readonly BotInput[]): MarketSymbol[] {
  const seen = new Map<string, MarketSymbol>();
  const add = (exchangeId: string, symbol: string) => seen.set(priceKey(exchangeId, symbol), { exchangeId, symbol });
  for (const w of wallets) {
    for (const b of w.balances) if (b.total !== 0 && b.asset !== QUOTE) add(w.exchangeId, `${b.asset}/${QUOTE}`);
  }
  for (const bot of bots.filter(VALUED_BOT)) {
    if (bot.stakeCurrency !== QUOTE) add(bot.exchange, `${bot.stakeCurrency}/${QUOTE}`);
    for (const t of bot.openTrades) add(bot.exchange, t.pair);
  }
  return [...seen.values()];
}

export function valuePortfolio(input: ValuationInput): Valuation {
  const unpriced = new Set<string>();
  const holdings: Holding[] = [];
  /** Price of one unit of `asset` in USDT on that exchange; USDT itself is 1; null when no market prices it. */
  const quoteRate = (exchangeId: string, asset: string): number | null =>
    asset === QUOTE ? 1 : (input.prices.get(priceKey(exchangeId, `${asset}/${QUOTE}`)) ?? null);

  for (const wallet of input.wallets) {
    for (const b of wallet.balances) {
      if (b.total === 0) continue;
      const price = quoteRate(wallet.exchangeId, b.asset);
      if (price === null) unpriced.add(b.asset);
      holdings.push({
        asset: b.asset,
        amount: b.total,
        price,
        value: price === null ? 0 : round(b.total * price),
        source: 'wallet',
        sourceId: wallet.accountId,
        sourceLabel: wallet.label,
        simulated: false,
      });
    }
  }
  const walletsTotal = round(sum(holdings.map((h) => h.value)));

  const bots = input.bots.filter(VALUED_BOT).map((bot) => valueBot(bot, input.prices, quoteRate, holdings, unpriced));
  const live = bots.filter((b) => !b.simulated);
  const dryRun = bots.filter((b) => b.simulated);
  const botsTotal = round(sum(live.map((b) => b.value)));
  const total = round(walletsTotal + botsTotal);

  const byAsset = new Map<string, number>();
  for (const h of holdings) if (h.price !== null && !h.simulated) byAsset.set(h.asset, (byAsset.get(h.asset) ?? 0) + h.value);
  const allocation = [...byAsset]
    .map(([asset, value]) => ({ asset, value: round(value), weight: total > 0 ? round(value / total) : 0 }))
    .sort((a, b) => b.value - a.value || a.asset.localeCompare(b.asset));

  return {
    quote: QUOTE,
    at: input.at,
    total,
    walletsTotal,
    botsTotal,
    realizedPnl: round(sum(live.map((b) => b.realizedPnl))),
    unrealizedPnl: round(sum(live.map((b) => b.unrealizedPnl))),
    simulated: {
      total: round(sum(dryRun.map((b) => b.value))),
      realizedPnl: round(sum(dryRun.map((b) => b.realizedPnl))),
      unrealizedPnl: round(sum(dryRun.map((b) => b.unrealizedPnl))),
    },
    holdings,
    allocation,
    bots,
    unpriced: [...unpriced].sort(),
  };
}

/**
 * One bot: its free stake (starting capital + realized profit − stake in open trades) plus its open positions at
 * the market price. Unrealized profit is FreqTrade's: exit value after the exit fee minus entry cost with its fee.
 */
function valueBot(
  bot: BotInput,
  prices: PriceBook,
  quoteRate: (exchangeId: string, asset: string) => number | null,
  holdings: Holding[],
  unpriced: Set<string>,
): BotPnl {
  const stakeRate = quoteRate(bot.exchange, bot.stakeCurrency);
  if (stakeRate === null) unpriced.add(bot.stakeCurrency);
  const inQuote = (stakeValue: number): number => (stakeRate === null ? 0 : round(stakeValue * stakeRate));
  const open = bot.openTrades;
  const realized = bot.closed.profitAbs;
  const freeStake = botStartingCapital(bot) + realized - sum(open.map((t) => t.stakeAmount));

  holdings.push({
    asset: bot.stakeCurrency,
    amount: round(freeStake),
    price: stakeRate,
    value: inQuote(freeStake),
    source: 'bot',
    sourceId: bot.id,
    sourceLabel: bot.name,
    simulated: bot.dryRun,
  });

  let positionsValue = 0;
  let unrealized = 0;
  const openPositions: OpenPosition[] = open.map((t) => {
    const rate = prices.get(priceKey(bot.exchange, t.pair)) ?? null;
    const entryCost = t.amount * t.openRate * (1 + (t.feeOpen ?? 0));
    const marketValue = rate === null ? 0 : t.amount * rate;
    const exitValue = rate === null ? 0 : marketValue * (1 - (t.feeClose ?? 0));
    const pnl = rate === null ? 0 : exitValue - entryCost;
    if (rate === null) unpriced.add(baseOf(t.pair));
    positionsValue += marketValue;
    unrealized += pnl;
    holdings.push({
      asset: baseOf(t.pair),
      amount: t.amount,
      price: rate === null || stakeRate === null ? null : round(rate * stakeRate),
      value: inQuote(marketValue),
      source: 'bot',
      sourceId: bot.id,
      sourceLabel: bot.name,
      simulated: bot.dryRun,
    });
    return {
      tradeId: t.tradeId,
      pair: t.pair,
      amount: t.amount,
      openRate: t.openRate,
      currentRate: rate,
      value: inQuote(marketValue),
      unrealizedPnl: inQuote(pnl),
      unrealizedPnlRatio: rate === null || entryCost === 0 ? 0 : round(exitValue / entryCost - 1),
      openedAt: t.openDate,
    };
  });

  return {
    botId: bot.id,
    name: bot.name,
    status: bot.status,
    simulated: bot.dryRun,
    stake: inQuote(botStartingCapital(bot)),
    realizedPnl: inQuote(realized),
    unrealizedPnl: inQuote(unrealized),
    value: inQuote(freeStake + positionsValue),
    openPositions,
    closedTrades: bot.closed.count,
  };
}

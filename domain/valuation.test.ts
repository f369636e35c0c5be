// Valuation on hand-computed examples: wallets, bots' realized and unrealized P&L, unpriced assets, other stake currencies,
// and dry-run bots' simulated money kept out of the real totals.
import { describe, expect, it } from 'vitest';
import type { BotTrade } from './bot-trade.js';
import { Valuation } from './portfolio.js';
import { botLedger, botStartingCapital, priceKey, valuationSymbols, valuePortfolio, type BotInput, type WalletInput } from './valuation.js';

const AT = '2026-11-20T12:00:00.000Z';
const prices = (entries: Record<string, number>, exchangeId = 'paper') =>
  new Map(Object.entries(entries).map(([symbol, last]) => [priceKey(exchangeId, symbol), last]));

const trade = (t: Partial<BotTrade> & Pick<BotTrade, 'tradeId' | 'pair' | 'isOpen'>): BotTrade => ({
  amount: 0, stakeAmount: 0, openRate: 0, closeRate: null, openDate: '2026-11-20T10:00:00.000Z', closeDate: null,
  profitAbs: null, profitRatio: null, feeOpen: null, feeClose: null, exitReason: null, ...t,
});

const wallet: WalletInput = {
  accountId: 'acc-1', label: 'Main', exchangeId: 'paper',
  balances: [
    { asset: 'USDT', free: 900, used: 100, total: 1000 },
    { asset: 'BTC', free: 0.5, used: 0, total: 0.5 },
    { asset: 'XYZ', free: 10, used: 0, total: 10 },
    { asset: 'ETH', free: 0, used: 0, total: 0 },
  ],
};

// A live bot. Stake 100 × 2 pairs = 200 USDT capital; closed +5.5 and −1.5; one BTC position bought at 50,000 with 0.1 % fees.
const bot: BotInput = {
  id: 'bot-1', name: 'Trend', status: 'running', dryRun: false, exchange: 'paper', stakeAmount: 100, stakeCurrency: 'USDT', pairs: ['BTC/USDT', 'ETH/USDT'],
  ...botLedger([
    trade({ tradeId: 1, pair: 'ETH/USDT', isOpen: false, amount: 0.02, stakeAmount: 70, openRate: 3500, closeRate: 3775, profitAbs: 5.5, profitRatio: 0.078 }),
    trade({ tradeId: 2, pair: 'BTC/USDT', isOpen: false, amount: 0.001, stakeAmount: 50, openRate: 50000, closeRate: 48500, profitAbs: -1.5, profitRatio: -0.03 }),
    trade({ tradeId: 3, pair: 'BTC/USDT', isOpen: true, amount: 0.001, stakeAmount: 50, openRate: 50000, feeOpen: 0.001, feeClose: 0.001 }),
  ]),
};

describe('valuePortfolio', () => {
  it('values wallet balances at USDT prices, USDT at 1, and lists assets without a USDT market as unpriced', () => {
    const v = valuePortfolio({ at: AT, wallets: [wallet], bots: [], prices: prices({ 'BTC/USDT': 60000 }) });
    expect(Valuation.parse(v)).toEqual(v);
    expect(v).toMatchObject({ quote: 'USDT', at: AT, total: 31000, walletsTotal: 31000, botsTotal: 0, realizedPnl: 0, unrealizedPnl: 0, simulated: { total: 0, realizedPnl: 0, unrealizedPnl: 0 } });
    expect(v.unpriced).toEqual(['XYZ']);
    expect(v.holdings).toEqual([
      { asset: 'USDT', amount: 1000, price: 1, value: 1000, source: 'wallet', sourceId: 'acc-1', sourceLabel: 'Main', simulated: false },
      { asset: 'BTC', amount: 0.5, price: 60000, value: 30000, source: 'wallet', sourceId: 'acc-1', sourceLabel: 'Main', simulated: false },
      { asset: 'XYZ', amount: 10, price: null, value: 0, source: 'wallet', sourceId: 'acc-1', sourceLabel: 'Main', simulated: false },
    ]);
    // 30000 / 31000 and 1000 / 31000, to 8 decimals; the unpriced asset takes no share.
    expect(v.allocation).toEqual([
      { asset: 'BTC', value: 30000, weight: 0.96774194 },
      { asset: 'USDT', value: 1000, weight: 0.03225806 },
    ]);
  });

  it("values a bot as free stake plus open positions at market, with FreqTrade's profit after fees", () => {
    const v = valuePortfolio({ at: AT, wallets: [], bots: [bot], prices: prices({ 'BTC/USDT': 60000, 'ETH/USDT': 4000 }) });
    // free stake = 200 + (5.5 − 1.5) − 50 = 154; position = 0.001 × 60,000 = 60; value 214.
    // unrealized = 60 × 0.999 − 0.001 × 50,000 × 1.001 = 59.94 − 50.05 = 9.89; ratio = 59.94 / 50.05 − 1.
    expect(v).toMatchObject({ total: 214, walletsTotal: 0, botsTotal: 214, realizedPnl: 4, unrealizedPnl: 9.89, unpriced: [] });
    expect(v.bots).toEqual([
      {
        botId: 'bot-1', name: 'Trend', status: 'running', simulated: false, stake: 200, realizedPnl: 4, unrealizedPnl: 9.89, value: 214, closedTrades: 2,
        openPositions: [
          { tradeId: 3, pair: 'BTC/USDT', amount: 0.001, openRate: 50000, currentRate: 60000, value: 60, unrealizedPnl: 9.89,
            unrealizedPnlRatio: 0.1976024, openedAt: '2026-11-20T10:00:00.000Z' },
        ],
      },
    ]);
    expect(v.holdings).toEqual([
      { asset: 'USDT', amount: 154, price: 1, value: 154, source: 'bot', sourceId: 'bot-1', sourceLabel: 'Trend', simulated: false },
      { asset: 'BTC', amount: 0.001, price: 60000, value: 60, source: 'bot', sourceId: 'bot-1', sourceLabel: 'Trend', simulated: false },
    ]);
  });

  it('adds wallets and bots, and merges the same asset from both into one allocation slice', () => {
    const v = valuePortfolio({ at: AT, wallets: [wallet], bots: [bot], prices: prices({ 'BTC/USDT': 60000 }) });
    expect(v.total).toBe(31214);
    expect(v.allocation).toEqual([
      { asset: 'BTC', value: 30060, weight: 0.96302941 },
      { asset: 'USDT', value: 1154, weight: 0.03697059 },
    ]);
  });

  it('does not guess the price of an open position without a market: it is unpriced and outside the total', () => {
    const v = valuePortfolio({ at: AT, wallets: [], bots: [bot], prices: prices({}) });
    expect(v.unpriced).toEqual(['BTC']);
    expect(v.total).toBe(154);
    expect(v.bots[0]!.openPositions[0]).toMatchObject({ currentRate: null, value: 0, unrealizedPnl: 0 });
  });

  it('converts a bot trading in another stake currency through that currency’s USDT price', () => {
    const eurBot: BotInput = {
      id: 'bot-eur', name: 'Euro', status: 'stopped', dryRun: false, exchange: 'paper', stakeAmount: 10, stakeCurrency: 'EUR', pairs: ['BTC/EUR'],
      ...botLedger([trade({ tradeId: 1, pair: 'BTC/EUR', isOpen: true, amount: 0.0001, stakeAmount: 5, openRate: 50000 })]),
    };
    // free 10 − 5 = 5 EUR; position 0.0001 × 55,000 = 5.5 EUR; profit 0.5 EUR; EUR at 1.1 USDT.
    const v = valuePortfolio({ at: AT, wallets: [], bots: [eurBot], prices: prices({ 'BTC/EUR': 55000, 'EUR/USDT': 1.1 }) });
    expect(v.bots[0]).toMatchObject({ stake: 11, value: 11.55, unrealizedPnl: 0.55, realizedPnl: 0 });
    expect(v.holdings.map((h) => [h.asset, h.price, h.value])).toEqual([['EUR', 1.1, 5.5], ['BTC', 60500, 6.05]]);
    expect(valuePortfolio({ at: AT, wallets: [], bots: [eurBot], prices: prices({ 'BTC/EUR': 55000 }) })).toMatchObject({ total: 0, unpriced: ['EUR'] });
  });

  it("keeps a dry-run bot's simulated wallet and P&L apart: labelled simulated, outside the total, the allocation and the real P&L", () => {
    const paper: BotInput = { ...bot, id: 'bot-dry', name: 'Paper', dryRun: true };
    const v = valuePortfolio({ at: AT, wallets: [wallet], bots: [bot, paper], prices: prices({ 'BTC/USDT': 60000 }) });
    // Real: the wallet 31,000 + the live bot 214. Simulated: the dry-run bot's 214, its +4 realized and +9.89 unrealized.
    expect(v).toMatchObject({ total: 31214, walletsTotal: 31000, botsTotal: 214, realizedPnl: 4, unrealizedPnl: 9.89 });
    expect(v.simulated).toEqual({ total: 214, realizedPnl: 4, unrealizedPnl: 9.89 });
    expect(v.bots.map((b) => [b.botId, b.simulated, b.stake, b.value])).toEqual([['bot-1', false, 200, 214], ['bot-dry', true, 200, 214]]);
    expect(v.holdings.filter((h) => h.sourceId === 'bot-dry').map((h) => [h.asset, h.simulated])).toEqual([['USDT', true], ['BTC', true]]);
    expect(v.holdings.filter((h) => h.sourceId !== 'bot-dry').every((h) => !h.simulated)).toBe(true);
    // The same slices as wallet + live bot alone: simulated coins take no share.
    expect(v.allocation).toEqual([
      { asset: 'BTC', value: 30060, weight: 0.96302941 },
      { asset: 'USDT', value: 1154, weight: 0.03697059 },
    ]);
    const onlyDryRun = valuePortfolio({ at: AT, wallets: [], bots: [paper], prices: prices({ 'BTC/USDT': 60000 }) });
    expect(onlyDryRun).toMatchObject({ total: 0, botsTotal: 0, realizedPnl: 0, unrealizedPnl: 0, allocation: [], simulated: { total: 214 } });
  });

  it('leaves out bots that failed to provision or are being deleted', () => {
    const v = valuePortfolio({ at: AT, wallets: [], bots: [{ ...bot, status: 'failed' }, { ...bot, id: 'b2', status: 'deleting' }], prices: prices({}) });
    expect(v).toMatchObject({ total: 0, bots: [], holdings: [], allocation: [] });
  });
});

describe('valuationSymbols', () => {
  it('names each market the valuation reads, once: wallet assets in USDT, open pairs, foreign stake currencies', () => {
    const eurBot: BotInput = { ...bot, id: 'b2', stakeCurrency: 'EUR', pairs: ['SOL/EUR'], ...botLedger([trade({ tradeId: 9, pair: 'SOL/EUR', isOpen: true })]) };
    expect(valuationSymbols([wallet], [bot, eurBot])).toEqual([
      { exchangeId: 'paper', symbol: 'BTC/USDT' },
      { exchangeId: 'paper', symbol: 'XYZ/USDT' },
      { exchangeId: 'paper', symbol: 'EUR/USDT' },
      { exchangeId: 'paper', symbol: 'SOL/EUR' },
    ]);
  });

  it('sizes a bot’s capital as its dry-run wallet: stake amount × one slot per pair', () => {
    expect(botStartingCapital({ stakeAmount: 25, pairs: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] })).toBe(75);
  });
});

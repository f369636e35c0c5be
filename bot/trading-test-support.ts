// Shared by the trading-engine tests: a test clock, the paper exchange on that clock, strategies and bot configs that trade on it.
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import type { Strategy } from '../domain/strategy.js';
import { startPaperExchange, type PaperExchangeHandle, type PaperExchangeOptions } from '../exchange/server.js';
import { basic, botConfig, call, freePort, type Reply } from './test-support.js';

/** A clock tests move by hand; the paper exchange, the bot host and signed requests all read it. */
export class TestClock {
  constructor(public now: number) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export const MINUTE = 60_000;
/** A minute boundary in the recent past, so signed requests' timestamps look ordinary. */
export const alignedStart = (): number => Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;

/** Four USDT markets at 100 with a 0.01 tick and 0.0001 step; an almost flat history, so indicators start level. */
export function startFlatExchange(clock: TestClock, extra: Partial<PaperExchangeOptions> = {}): Promise<PaperExchangeHandle> {
  const market = (base: string) => ({ base, price: 100, tickSize: '0.01', stepSize: '0.0001', dailyVolatility: 1e-9 });
  return startPaperExchange({
    port: 0,
    seed: 'bot-engine',
    tickMs: 0,
    // The narrowest spread there is: bid and ask one tick either side of the last price.
    spreadBps: 0,
    historyDays: 1,
    startTime: clock.now,
    clock: clock.read,
    markets: ['BTC', 'ETH', 'SOL', 'BNB', 'XRP'].map(market),
    ...extra,
  });
}

/** Enters when the close crosses above its 3-candle SMA; exits by ROI (5 %) or stoploss (5 %). */
export function crossStrategy(extra: Partial<Strategy> = {}): Strategy {
  return {
    schemaVersion: 1,
    name: 'SmaCross',
    timeframe: '1m',
    startupCandles: 5,
    indicators: [{ id: 'sma3', type: 'sma', period: 3, source: 'close' }],
    entry: { left: { price: 'close' }, op: 'crossesAbove', right: { indicator: 'sma3' } },
    exit: { left: { price: 'close' }, op: '<', right: { value: 1 } },
    minimalRoi: { '0': 0.05 },
    stoploss: -0.05,
    trailingStop: false,
    ...extra,
  };
}

export async function tradingBot(name: string, ex: PaperExchangeHandle, overrides: Partial<HostedBotConfig> = {}): Promise<HostedBotConfig> {
  return botConfig(name, await freePort(), {
    pairs: ['BTC/USDT'],
    stakeAmount: 50,
    strategy: crossStrategy(),
    // The platform's own profile for the paper exchange: what activities/bots.ts will hand every bot.
    exchangeProfile: exchangeProfile('paper', ex.url),
    ...overrides,
  });
}

export const api = {
  get: (bot: HostedBotConfig, path: string): Promise<Reply> =>
    call(bot.apiPort, `/api/v1${path}`, { authorization: basic(bot.api.username, bot.api.password) }),
  post: (bot: HostedBotConfig, path: string, body?: unknown): Promise<Reply> =>
    call(bot.apiPort, `/api/v1${path}`, {
      method: 'POST',
      authorization: basic(bot.api.username, bot.api.password),
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
};

/** FreqTrade's close_profit_abs of a long trade: fees on both sides, 8 decimals. */
export const profitAbs = (amount: number, open: number, close: number, fee = 0.001): number =>
  Number((amount * close * (1 - fee) - amount * open * (1 + fee)).toFixed(8));
export const profitRatioOf = (open: number, close: number, fee = 0.001): number => Number(((close * (1 - fee)) / (open * (1 + fee)) - 1).toFixed(8));

// The host's zod-free config validator agrees with the domain schema, and the bundle really stays free of zod.
import { build } from 'esbuild';
import { botHostBuildOptions } from './build.js';
import { describe, expect, it } from 'vitest';
import { BOT_HOST_CONFIG_ENV, BOT_HOST_CONFIG_FILE_ENV, BotHostConfig } from '../domain/bot-host-config.js';
import { CONFIG_ENV, CONFIG_FILE_ENV, parseBotHostConfig } from './host-config.js';
import { parseStrategy } from '../domain/strategy.js';
import { DEFAULT_STRATEGY } from './default-strategy.js';
import { botConfig } from './test-support.js';

const valid = { listenHost: '0.0.0.0', bots: [botConfig('a', 20001), botConfig('b', 20002)] };
const strategy = {
  schemaVersion: 1, name: ' Mixed ', timeframe: '15m', startupCandles: 40,
  indicators: [
    { id: 'rsi14', type: 'rsi', period: 14 },
    { id: 'macd', type: 'macd', fast: 12, slow: 26, signal: 9, source: 'hlc3' },
    { id: 'bb', type: 'bbands', period: 20 },
  ],
  entry: { all: [{ left: { indicator: 'rsi14' }, op: 'crossesAbove', right: { value: 30 } }, { left: { price: 'close' }, op: '<', right: { indicator: 'bb', field: 'lower' } }] },
  exit: { any: [{ left: { indicator: 'macd', field: 'histogram' }, op: 'crossesBelow', right: { value: 0 } }] },
  minimalRoi: { '0': 0.04, '30': 0.02 }, stoploss: -0.1, trailingStop: true, trailingStopPositive: 0.01, trailingStopPositiveOffset: 0.02,
};
const profile = { id: 'paper', ccxtId: 'binance', apiUrls: { public: 'http://x/api/v3', private: 'http://x/api/v3' }, options: { fetchCurrencies: false }, needsPassphrase: false };
const creds = { apiKey: 'k'.repeat(20), secret: 's'.repeat(20) };
const withStrategy = (patch: Record<string, unknown>) => withBot({ strategy: { ...strategy, ...patch } });
const withBot = (patch: Record<string, unknown>) => ({ bots: [{ ...botConfig('a', 20001), ...patch }] });
const withApi = (patch: Record<string, unknown>) => withBot({ api: { ...botConfig('a', 20001).api, ...patch } });

const cases: [string, unknown][] = [
  ['a full config', valid],
  ['no listenHost (defaulted)', { bots: valid.bots }],
  ['unknown keys (stripped)', { ...valid, extra: 1, bots: [{ ...botConfig('a', 20001), extra: true }] }],
  ['not an object', 'nope'],
  ['null', null],
  ['no bots (an empty pool host)', { listenHost: '127.0.0.1', bots: [] }],
  ['no bots key', { listenHost: '127.0.0.1' }],
  ['bots null', { bots: null }],
  ['one bot valid, the next not an object', { bots: [botConfig('a', 20001), 'b'] }],
  ['bots not an array', { bots: {} }],
  ['listenHost null', { ...valid, listenHost: null }],
  ['empty pairs', withBot({ pairs: [] })],
  ['a pair that is not a string', withBot({ pairs: ['BTC/USDT', 3] })],
  ['zero stake', withBot({ stakeAmount: 0 })],
  ['infinite stake', withBot({ stakeAmount: Number.POSITIVE_INFINITY })],
  ['stake as string', withBot({ stakeAmount: '10' })],
  ['fractional port', withBot({ apiPort: 2000.5 })],
  ['port 0', withBot({ apiPort: 0 })],
  ['port 65536', withBot({ apiPort: 65536 })],
  ['dryRun as string', withBot({ dryRun: 'true' })],
  ['missing botId', withBot({ botId: undefined })],
  ['no api', withBot({ api: undefined })],
  ['empty username', withApi({ username: '' })],
  ['short password', withApi({ password: 'x'.repeat(15) })],
  ['password of 16', withApi({ password: 'x'.repeat(16) })],
  ['short jwt secret', withApi({ jwtSecret: 'x'.repeat(31) })],
  ['strategy, exchange profile and wallet', withBot({ strategy, exchangeProfile: profile, dryRunWallet: 500 })],
  ['a live bot with credentials', withBot({ dryRun: false, credentials: { ...creds, passphrase: 'p' }, exchangeProfile: profile })],
  ['a live bot without credentials', withBot({ dryRun: false, exchangeProfile: profile })],
  ['a live bot without exchange profile', withBot({ dryRun: false, credentials: creds })],
  ['credentials without secret', withBot({ credentials: { apiKey: 'k' } })],
  ['credentials with an empty key', withBot({ credentials: { ...creds, apiKey: '' } })],
  ['a numeric passphrase', withBot({ credentials: { ...creds, passphrase: 7 } })],
  ['a profile without ccxtId', withBot({ exchangeProfile: { apiUrls: {} } })],
  ['a profile with a non-string url', withBot({ exchangeProfile: { ccxtId: 'binance', apiUrls: { public: 1 } } })],
  ['profile options not an object', withBot({ exchangeProfile: { ccxtId: 'binance', options: [] } })],
  ['a zero dry-run wallet', withBot({ dryRunWallet: 0 })],
  ['strategy defaults (source, stdDev, trailingStop)', withStrategy({ trailingStop: undefined, trailingStopPositive: undefined, trailingStopPositiveOffset: undefined })],
  ['strategy with maxOpenTrades', withStrategy({ maxOpenTrades: 3 })],
  ['strategy name blank', withStrategy({ name: '   ' })],
  ['strategy unknown key', withStrategy({ stoplos: -0.1 })],
  ['strategy schema version 2', withStrategy({ schemaVersion: 2 })],
  ['strategy unknown timeframe', withStrategy({ timeframe: '2h' })],
  ['strategy startup candles too few', withStrategy({ startupCandles: 20 })],
  ['strategy startup candles fractional', withStrategy({ startupCandles: 40.5 })],
  ['strategy indicators not an array', withStrategy({ indicators: {} })],
  ['strategy unknown indicator type', withStrategy({ indicators: [{ id: 'x', type: 'vwap', period: 3 }] })],
  ['strategy indicator extra key', withStrategy({ indicators: [{ id: 'rsi14', type: 'rsi', period: 14, fast: 3 }] })],
  ['strategy indicator bad id', withStrategy({ indicators: [{ id: '1rsi', type: 'rsi', period: 14 }] })],
  ['strategy period 1', withStrategy({ indicators: [{ id: 'rsi14', type: 'rsi', period: 1 }] })],
  ['strategy period 201', withStrategy({ indicators: [{ id: 'rsi14', type: 'rsi', period: 201 }] })],
  ['strategy bad source', withStrategy({ indicators: [{ id: 'rsi14', type: 'rsi', period: 14, source: 'vwap' }] })],
  ['strategy stdDev 0', withStrategy({ indicators: [{ id: 'bb', type: 'bbands', period: 20, stdDev: 0 }] })],
  ['strategy unknown indicator referenced', withStrategy({ exit: { left: { indicator: 'ema9' }, op: '>', right: { value: 1 } } })],
  ['strategy misspelt rule key', withStrategy({ exit: { left: { price: 'close' }, op: '>', rigth: { value: 1 } } })],
  ['strategy empty any', withStrategy({ exit: { any: [] } })],
  ['strategy ROI key not a number', withStrategy({ minimalRoi: { soon: 0.1 } })],
  ['strategy ROI value not a number', withStrategy({ minimalRoi: { '0': '0.1' } })],
  ['strategy positive stoploss', withStrategy({ stoploss: 0.1 })],
  ['strategy stoploss below -1', withStrategy({ stoploss: -2 })],
  ['strategy trailing offset below positive', withStrategy({ trailingStopPositiveOffset: 0.005 })],
  ['strategy trailing positive of 1', withStrategy({ trailingStopPositive: 1 })],
  ['strategy only-offset without offset', withStrategy({ trailingOnlyOffsetIsReached: true, trailingStopPositiveOffset: undefined })],
  ['strategy maxOpenTrades 0', withStrategy({ maxOpenTrades: 0 })],
  ['strategy not an object', withBot({ strategy: 'rsi' })],
];

describe('parseBotHostConfig', () => {
  it.each(cases)('decides like the domain zod schema: %s', (_name, input) => {
    const ours = parseBotHostConfig(structuredClone(input));
    const theirs = BotHostConfig.safeParse(structuredClone(input));
    expect(ours.success).toBe(theirs.success);
    if (ours.success && theirs.success) expect(ours.data).toEqual(theirs.data);
  });

  it('accepts an empty pool host, with the listen address defaulted', () => {
    expect(parseBotHostConfig({ bots: [] })).toEqual({ success: true, data: { listenHost: '127.0.0.1', bots: [] } });
    expect(BotHostConfig.parse({ bots: [] })).toEqual({ listenHost: '127.0.0.1', bots: [] });
  });

  it('accepts trading bots, fills the strategy defaults and keeps only the profile fields the host uses', () => {
    const r = parseBotHostConfig(withBot({ strategy, exchangeProfile: profile, dryRunWallet: 500 }));
    if (!r.success) throw new Error(r.issues.join('; '));
    const bot = r.data.bots[0]!;
    expect(bot.strategy).toMatchObject({ name: 'Mixed', trailingStop: true });
    expect(bot.strategy?.indicators.map((i) => i.source)).toEqual(['close', 'hlc3', 'close']);
    expect(bot.strategy?.indicators[2]).toMatchObject({ stdDev: 2 });
    expect(bot.exchangeProfile).toEqual({ ccxtId: 'binance', apiUrls: profile.apiUrls, options: profile.options });
    expect(parseBotHostConfig(withBot({ dryRun: false, credentials: creds, exchangeProfile: profile })).success).toBe(true);
  });

  it('runs a valid default strategy when the config names none', () => {
    expect(parseStrategy(DEFAULT_STRATEGY)).toEqual({ success: true, data: DEFAULT_STRATEGY });
  });

  it('explains a bad strategy at its path, and a live bot without a key', () => {
    const r = parseBotHostConfig(withStrategy({ exit: { left: { indicator: 'ema9' }, op: '>', right: { value: 1 } } }));
    expect(r).toEqual({ success: false, issues: ["bots.0.strategy.exit.left.indicator: unknown indicator 'ema9' (defined: rsi14, macd, bb)"] });
    expect(parseBotHostConfig(withBot({ dryRun: false, exchangeProfile: profile }))).toEqual({
      success: false, issues: ['bots.0.credentials: a live bot needs exchange credentials'],
    });
  });

  it('names the failing field and rule, never the secret value', () => {
    const r = parseBotHostConfig(withApi({ password: 'leaky-secret' }));
    expect(r).toEqual({ success: false, issues: ['bots.0.api.password: must have at least 16 characters'] });
  });

  it('reads the same environment variable as the platform writes', () => {
    expect(CONFIG_ENV).toBe(BOT_HOST_CONFIG_ENV);
    expect(CONFIG_FILE_ENV).toBe(BOT_HOST_CONFIG_FILE_ENV);
  });

  it('keeps zod and all but one ccxt exchange class out of the bot-host bundle (they cost every container memory)', async () => {
    const result = await build({ ...botHostBuildOptions(), write: false, metafile: true, outdir: 'out', logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.includes('node_modules/zod/'))).toEqual([]);
    // Relative to the worktree, node_modules may sit one level up (a linked checkout): compare from node_modules on.
    const exchanges = inputs.filter((p) => /node_modules\/ccxt\/js\/src\/[a-z0-9]+\.js$/.test(p)).map((p) => p.slice(p.indexOf('node_modules/')));
    expect(exchanges).toEqual(['node_modules/ccxt/js/src/binance.js']);
  });
});

// FreqTrade's own REST client (freqtrade-client 2026.9, from the setup's venv) drives a builtin bot through every call
// FreqUI makes, leaving it with a closed and an open trade; each answer must have the shape a real FreqTrade 2026.9
// bot gave (recorded by test/freqtrade-rest-recording.test.ts), and the builtin strategy's indicators must show in
// pair_candles and plot_config as a FreqTrade strategy's do.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBotHost, type BotHost } from '../bot/host.js';
import { botConfig, freePort } from '../bot/test-support.js';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import type { Strategy } from '../domain/strategy.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { RECORDED_ANSWERS, runClientCalls, shapeDiffs } from './rest-shape.js';

/** Never enters or exits by itself (only forced trades); two indicators to chart. */
const plotted: Strategy = {
  schemaVersion: 1, name: 'Plotted', timeframe: '1m', startupCandles: 15,
  indicators: [{ id: 'sma5', type: 'sma', period: 5, source: 'close' }, { id: 'rsi', type: 'rsi', period: 14, source: 'close' }],
  entry: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  exit: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  minimalRoi: { '0': 10 }, stoploss: -0.9, trailingStop: false,
};

let exchange: PaperExchangeHandle;
let host: BotHost;
let bot: HostedBotConfig;

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'freqtrade-rest-parity', tickMs: 1000 });
  bot = botConfig('parity', await freePort(), {
    pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 100, strategy: plotted, exchangeProfile: exchangeProfile('paper', exchange.url),
  });
  host = await startBotHost({ listenHost: '127.0.0.1', bots: [bot] }, { log: () => {} });
});

afterAll(async () => {
  await host?.close();
  await exchange?.close();
});

it("answers FreqTrade's own client on every FreqUI call in the shapes of a real FreqTrade 2026.9 bot", async () => {
  const answers = await runClientCalls({
    url: `http://127.0.0.1:${bot.apiPort}`, username: bot.api.username, password: bot.api.password,
    pair: 'BTC/USDT', otherPair: 'ETH/USDT', strategy: 'Plotted', timeframe: '1m',
  });
  const recorded = JSON.parse(readFileSync(RECORDED_ANSWERS, 'utf8')) as Record<string, unknown>;
  expect(Object.keys(answers).sort()).toEqual(Object.keys(recorded).sort());
  expect(shapeDiffs(recorded, answers)).toEqual([]);

  // The calls did what they say: one closed trade, one open, both forced; paused, then running again.
  expect(answers['trades']).toMatchObject({ total_trades: 1, trades: [{ exit_reason: 'force_exit', orders: [{ ft_is_entry: true }, { ft_is_entry: false }] }] });
  expect(answers['status']).toEqual([expect.objectContaining({ is_open: true, enter_tag: 'second' })]);
  expect(answers['show_config_paused']).toMatchObject({ state: 'paused' });
  expect(answers['blacklist_add']).toMatchObject({ blacklist: ['ETH/USDT'], blacklist_expanded: ['ETH/USDT'] });
  expect(answers['whitelist']).toMatchObject({ whitelist: ['BTC/USDT', 'ETH/USDT'] });
  expect(answers['lock_add']).toMatchObject({ locks: expect.arrayContaining([expect.objectContaining({ pair: 'ETH/USDT', reason: 'manual', side: '*' })]) });
  expect(answers['lock_delete_pair']).toMatchObject({ locks: [expect.objectContaining({ pair: 'BTC/USDT', reason: 'Auto lock' })] });

  // The declarative strategy's indicators are dataframe columns with values, and plot lines, as in FreqTrade.
  const candles = answers['pair_candles'] as { columns: string[]; data: unknown[][]; length: number };
  expect(candles.length).toBe(50);
  expect(candles.columns.slice(0, 8)).toEqual(['date', 'open', 'high', 'low', 'close', 'volume', 'sma5', 'rsi']);
  const last = candles.data[candles.data.length - 1]!;
  expect(last[6]).toBeCloseTo(candles.data.slice(-5).reduce((s, r) => s + (r[4] as number), 0) / 5, 6);
  expect(last[7]).toEqual(expect.any(Number));
  expect((answers['pair_candles_columns'] as { columns: string[] }).columns).not.toContain('sma5');
  expect(answers['plot_config']).toEqual({ main_plot: { sma5: { color: expect.any(String) } }, subplots: { RSI: { rsi: { color: expect.any(String) } } } });
  expect(answers['strategy']).toMatchObject({ strategy: 'Plotted', timeframe: '1m', params: [] });
  expect(JSON.parse((answers['strategy'] as { code: string }).code)).toMatchObject({ name: 'Plotted', indicators: plotted.indicators });
}, 300_000);

// A builtin bot in Docker that enters whenever it can and never exits by itself, on a paper exchange of its own whose
// price moves only when the test says (BTC/USDT at 50,000 to start): for files where guards or the test decide every
// exit (test/guards-bot.test.ts, test/bot-delete.test.ts).
import { expect } from 'vitest';
import type { FreqtradeClient } from '../activities/freqtrade-client.js';
import { findBotWithSecret } from '../db/bots.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { botClientOf, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

export type OpenTrade = { trade_id: number; open_rate: number; amount: number };

/** Enters whenever it can; never exits by itself (ROI far away, stoploss far below). */
export const holdStrategy = {
  schemaVersion: 1, name: 'Hold', timeframe: '1m', startupCandles: 1, indicators: [],
  entry: { left: { price: 'close' }, op: '>', right: { value: 0 } },
  exit: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  minimalRoi: { '0': 10 }, stoploss: -0.9, trailingStop: false,
};

export interface HeldBot {
  exchange: PaperExchangeHandle;
  platform: TestPlatform;
  user: Awaited<ReturnType<typeof signedUpAgent>>;
  botId: string;
  /** The bot's own REST API, as the platform reaches it. */
  bot: FreqtradeClient;
}

/** Starts the exchange (seeded with `seed`), a platform on it, a user and a running holding bot named `name`. */
export async function startHeldBot(seed: string, name: string): Promise<HeldBot> {
  const exchange = await startPaperExchange({ port: 0, seed, tickMs: 0 });
  exchange.setPrice('BTCUSDT', 50_000);
  const platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url } });
  const user = await signedUpAgent(platform.app);
  const strategy = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: holdStrategy });
  const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
    .send({ name, pairs: ['BTC/USDT'], stakeAmount: 100, strategyVersionId: strategy.body.strategy.id });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const botId = created.body.bot.id as string;
  await waitFor('running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot.status === 'running', 120_000);
  return { exchange, platform, user, botId, bot: botClientOf(platform, (await findBotWithSecret(platform.db, botId))!) };
}

// A FreqTrade bot created while its exchange answers, whose exchange then stops answering FreqTrade's market load
// (`exchangeInfo` answers 503) until the bot has been restarted three times, and answers again: the bot must wait it
// out and run. Its restarts are counted by the caller (Docker's restart count for a dedicated bot, its pool's for a
// pooled one).
import { expect } from 'vitest';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { everySecond, ORIGIN, waitFor, type signedUpAgent } from './platform.js';

type Agent = Awaited<ReturnType<typeof signedUpAgent>>['agent'];
/** A bot as `GET /api/bots/:id` shows it to its owner. */
type ApiBot = { status: string; lastError: string | null; [field: string]: unknown };

/** Three restarts: more than a failing strategy gets (START_RESTARTS_FAIL), so the health wait has seen them. */
const RESTARTS = 3;

/** The bot's id, and the bot as its owner saw it once it had restarted three times with its exchange down. */
export async function botThroughExchangeOutage(
  agent: Agent,
  exchange: PaperExchangeHandle,
  restartsOf: (bot: ApiBot) => Promise<number>,
): Promise<{ id: string; duringOutage: ApiBot }> {
  let id = '';
  let duringOutage: ApiBot;
  try {
    const created = await agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Exchange down', pairs: ['BTC/USDT'], stakeAmount: 10, engine: 'freqtrade' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    id = created.body.bot.id;
    // The create checks the exchange itself, so the outage begins once it has answered (long before FreqTrade has
    // imported and loads its markets).
    exchange.engine.faults.add({ kind: 'error', status: 503, path: 'exchangeInfo', count: 1_000_000 });
    duringOutage = await waitFor(`the bot restarted ${RESTARTS} times for its exchange`, everySecond(async () => {
      const bot: ApiBot = (await agent.get(`/api/bots/${id}`)).body.bot;
      if (bot.status === 'failed') throw new Error(`bot failed while its exchange was down: ${bot.lastError}`);
      return (await restartsOf(bot)) >= RESTARTS ? bot : null;
    }), 300_000);
  } finally {
    exchange.engine.faults.clear();
  }
  await waitFor('the bot running once its exchange is back', everySecond(async () => {
    const bot: ApiBot = (await agent.get(`/api/bots/${id}`)).body.bot;
    if (bot.status === 'failed') throw new Error(`bot failed after its exchange came back: ${bot.lastError}`);
    return bot.status === 'running';
  }), 300_000);
  return { id, duringOutage };
}

// Deleting a bot on real parts (API, Temporal, worker, a builtin bot in Docker, a paper exchange whose price moves only
// when the test says): a forced exit answers with the price and profit it closed at; the delete ends the position guard
// on the bot's open trade and the risk guard scoped to it, each with the reason; the bot's trades stay in the ledger and
// its realized P&L in the portfolio.
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FreqtradeClient } from '../activities/freqtrade-client.js';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { secretKeyRing } from '../domain/config.js';
import { createSecretBox } from '../db/secret-box.js';
import { sql } from '../db/pool.js';
import { guardWatchWorkflowId } from '../domain/workflow-ids.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { startHeldBot, type HeldBot, type OpenTrade } from './held-bot.js';
import { ORIGIN, waitFor, type TestPlatform } from './platform.js';

let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let user: HeldBot['user'];
let botId: string;
let bot: FreqtradeClient;

beforeAll(async () => {
  ({ exchange, platform, user, botId, bot } = await startHeldBot('bot-delete', 'Doomed'));
}, 180_000);

afterAll(async () => {
  if (botId) await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN);
  await platform?.temporal.workflow.getHandle(guardWatchWorkflowId('paper', platform.config.TEMPORAL_TASK_QUEUE)).cancel().catch(() => undefined);
  await platform?.stop();
  await exchange?.close();
});

const openTrade = (after = 0) =>
  waitFor('an open trade', async () => (await bot.get<OpenTrade[]>('status')).find((t) => t.trade_id > after), 150_000);

const ledger = (id: string) =>
  platform.db.any(sql.type(z.object({ tradeId: z.number(), isOpen: z.boolean(), profitAbs: z.number().nullable(), botName: z.string() }))`
    select trade_id, is_open, profit_abs, bot_name from bot_trades where bot_id = ${id} order by trade_id`);

describe('deleting a bot', () => {
  it('force-exit reports price and profit; delete ends its guards with a reason and keeps its trades and realized P&L', async () => {
    // A first trade, exited by hand after a rise: the answer says where it closed and what it made.
    const first = await openTrade();
    exchange.setPrice('BTCUSDT', 51_000);
    await waitFor('the bot seeing the rise', async () =>
      ((await bot.get<Array<OpenTrade & { current_rate: number }>>('status')).find((t) => t.trade_id === first.trade_id)?.current_rate ?? 0) > 50_900, 60_000);
    const exit = await user.agent.post(`/api/bots/${botId}/forceexit`).set('Origin', ORIGIN).send({ tradeId: first.trade_id });
    expect(exit.status, JSON.stringify(exit.body)).toBe(200);
    expect(exit.body.exit).toMatchObject({ tradeId: first.trade_id, pair: 'BTC/USDT', closed: true });
    expect(exit.body.exit.closeRate).toBeCloseTo(51_000, -2);
    expect(exit.body.exit.profitAbs).toBeGreaterThan(0);
    const realized: number = exit.body.exit.profitAbs;

    // The bot enters again; a position guard watches that trade and a risk guard the bot.
    const second = await openTrade(first.trade_id);
    const guard = await user.agent.post('/api/guards').set('Origin', ORIGIN)
      .send({ target: { kind: 'bot_trade', botId, tradeId: second.trade_id }, trail: { trailPct: 20 } });
    expect(guard.status, JSON.stringify(guard.body)).toBe(201);
    const risk = await user.agent.post('/api/risk-guards').set('Origin', ORIGIN)
      .send({ scope: { kind: 'bot', botId }, maxDrawdownPct: 50 });
    expect(risk.status, JSON.stringify(risk.body)).toBe(201);
    // One trade-sync pass, as the platform's schedule runs it, puts both in the ledger.
    const sync = createTradeSyncActivities({
      db: platform.db, box: createSecretBox(secretKeyRing(platform.config)), botChannel: { socketDir: platform.config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' },
    });
    await new MockActivityEnvironment().run(sync.syncBotTrades);
    expect((await ledger(botId)).map((t) => t.isOpen)).toEqual([false, true]);

    const deleted = await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    await waitFor('the bot gone', async () => (await user.agent.get(`/api/bots/${botId}`)).status === 404, 60_000);

    // Its guards ended, saying why.
    const g = (await user.agent.get(`/api/guards/${guard.body.guard.id}`)).body;
    expect(g.guard).toMatchObject({ state: 'cancelled', lastError: 'its bot was deleted' });
    expect(g.events).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'cancelled', detail: 'its bot was deleted' })]));
    const r = (await user.agent.get(`/api/risk-guards/${risk.body.riskGuard.id}`)).body;
    expect(r.riskGuard).toMatchObject({ state: 'cancelled', trippedReason: 'its bot was deleted' });

    // Its trades stay, named; its realized P&L stays in the portfolio (and nothing it no longer manages is valued).
    const kept = await ledger(botId);
    expect(kept.map((t) => t.tradeId)).toEqual(expect.arrayContaining([first.trade_id, second.trade_id]));
    expect(kept.every((t) => t.botName === 'Doomed')).toBe(true);
    const portfolio = (await user.agent.get('/api/portfolio')).body;
    // A dry-run bot's: simulated.
    expect(portfolio.simulated.realizedPnl).toBeCloseTo(realized, 2);
    expect(portfolio.bots).toEqual([expect.objectContaining({ botId, name: 'Doomed', status: 'deleted', simulated: true })]);
    expect(portfolio.simulated.unrealizedPnl).toBe(0);
    botId = '';
  }, 300_000);
});

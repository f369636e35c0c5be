// Guards on a real builtin bot in Docker, trading in dry-run on a paper exchange whose prices move only when the test
// says: a trailing stop exits the bot's trade through its /forceexit; a risk guard stops its entries (/stopbuy) when
// the drawdown limit is crossed, and only the owner's resume lets it enter again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreqtradeClient } from '../activities/freqtrade-client.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { startHeldBot, type HeldBot, type OpenTrade } from './held-bot.js';
import { ORIGIN, waitFor, type TestPlatform } from './platform.js';

let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let user: HeldBot['user'];
let botId: string;
let bot: FreqtradeClient;

beforeAll(async () => {
  ({ exchange, platform, user, botId, bot } = await startHeldBot('guards-bot', 'Guarded'));
}, 180_000);

afterAll(async () => {
  if (botId) await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN);
  await platform?.stop();
  await exchange?.close();
});

const openTrade = () => waitFor('an open trade', async () => (await bot.get<OpenTrade[]>('status'))[0], 150_000);

describe('guards on a builtin bot', () => {
  it('a trailing stop exits the bot trade through /forceexit, once', async () => {
    exchange.setPrice('BTCUSDT', 50_000); // wherever another test of this file left it
    const trade = await openTrade();
    const bad = await user.agent.post('/api/guards').set('Origin', ORIGIN).send({ target: { kind: 'bot_trade', botId, tradeId: 9999 }, trail: { trailPct: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('target.tradeId');

    const created = await user.agent.post('/api/guards').set('Origin', ORIGIN).send({ target: { kind: 'bot_trade', botId, tradeId: trade.trade_id }, trail: { trailPct: 2 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.guard.id;
    expect(created.body.guard).toMatchObject({ symbol: 'BTC/USDT', entryPrice: trade.open_rate, amount: trade.amount });
    const second = await user.agent.post('/api/guards').set('Origin', ORIGIN).send({ target: { kind: 'bot_trade', botId, tradeId: trade.trade_id }, trail: { trailPct: 3 } });
    expect(second.status).toBe(400); // one live guard per trade

    exchange.setPrice('BTCUSDT', trade.open_rate * 1.04);
    await waitFor('the peak', async () => (await user.agent.get(`/api/guards/${id}`)).body.guard.peak >= trade.open_rate * 1.035, 60_000);
    exchange.setPrice('BTCUSDT', trade.open_rate * 1.01);
    const done = await waitFor('exited', async () => {
      const body = (await user.agent.get(`/api/guards/${id}`)).body;
      return body.guard.state === 'exited' ? body : null;
    }, 60_000);
    expect(done.events).toEqual([expect.objectContaining({ kind: 'trailing_stop', amount: trade.amount })]);
    const closed = await bot.get<{ is_open: boolean; exit_reason: string }>(`trade/${trade.trade_id}`);
    expect(closed).toMatchObject({ is_open: false, exit_reason: 'force_exit' });
  }, 240_000);

  it('a risk guard stops entries when the drawdown limit is crossed, and the owner resumes it', async () => {
    exchange.setPrice('BTCUSDT', 50_000);
    const trade = await openTrade();
    const bad = await user.agent.post('/api/risk-guards').set('Origin', ORIGIN).send({ scope: { kind: 'bot', botId }, maxDrawdownPct: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('maxDrawdownPct');
    const created = await user.agent.post('/api/risk-guards').set('Origin', ORIGIN)
      .send({ scope: { kind: 'bot', botId }, maxDrawdownPct: 0.3, checkIntervalSeconds: 5 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.riskGuard.id;
    await waitFor('a first reading', async () => (await user.agent.get(`/api/risk-guards/${id}`)).body.riskGuard.lastEquity !== null, 60_000);
    exchange.setPrice('BTCUSDT', trade.open_rate * 0.9); // 10 % of the stake: beyond 0.3 % of the wallet
    const tripped = await waitFor('tripped', async () => {
      const r = (await user.agent.get(`/api/risk-guards/${id}`)).body.riskGuard;
      return r.state === 'tripped' ? r : null;
    }, 60_000);
    expect(tripped.trippedReason).toMatch(/drawdown .* reached the limit of 0.3 %/);
    // The owner is told, with the reason (docs/observability.md#notifications).
    const told = await waitFor('the risk notification', async () =>
      ((await user.agent.get('/api/notifications')).body.notifications as Array<{ kind: string; severity: string; body: string }>).find((n) => n.kind === 'risk_tripped'), 30_000);
    expect(told).toMatchObject({ severity: 'critical', body: tripped.trippedReason });
    expect((await bot.showConfig()).state).toBe('paused');
    expect((await user.agent.post(`/api/risk-guards/${id}/resume`).set('Origin', ORIGIN)).body.riskGuard.state).toBe('watching');
    expect((await bot.showConfig()).state).toBe('running');
    await user.agent.delete(`/api/risk-guards/${id}`).set('Origin', ORIGIN);
  }, 240_000);
});

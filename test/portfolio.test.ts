// The live portfolio end to end: paper exchange → market feed workflow → prices → SSE; wallet sync and trade sync feed it.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSecretBox } from '../db/secret-box.js';
import { sql } from '../db/pool.js';
import type { Valuation } from '../domain/portfolio.js';
import { marketFeedWorkflowId, portfolioSnapshotsScheduleId, tradeSyncScheduleId } from '../domain/workflow-ids.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { ensureStandingWork } from '../worker/standing-work.js';
import { startHostedBot, type HostedBot } from './hosted-bot.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './isolated-database.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { openSse, type SseEvent, type SseStream } from './sse-client.js';

let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let database: IsolatedDatabase;
let alice: Awaited<ReturnType<typeof signedUpAgent>>;
let bob: Awaited<ReturnType<typeof signedUpAgent>>;
let bot: HostedBot;
let accountId: string;
let keys: { apiKey: string; secret: string };
let bobStream: SseStream;
const valuationOf = (e: SseEvent) => JSON.parse(e.data) as Valuation;
const btcIn = (v: Valuation) => v.holdings.find((h) => h.asset === 'BTC' && h.source === 'wallet')?.price;

/** A price change through the paper exchange's admin API, as an operator or a test script makes it. */
async function adminSetPrice(symbol: string, price: number): Promise<void> {
  const res = await fetch(`${exchange.url}/admin/prices/${symbol}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${exchange.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ price }),
  });
  if (!res.ok) throw new Error(`admin price change failed: ${res.status}`);
}

const stream = (cookie: string, extra: Record<string, string> = {}) => openSse(platform.app, '/api/portfolio/stream', { cookie, ...extra });

beforeAll(async () => {
  // No random walk: prices move when the test moves them.
  exchange = await startPaperExchange({ port: 0, tickMs: 0, historyDays: 2 });
  // A database of its own: other test files run their own paper exchanges, whose `paper` prices must not mix with these.
  database = await createIsolatedDatabase('portfolio');
  platform = await startPlatform({ env: { PAPER_EXCHANGE_URL: exchange.url, DATABASE_URL: database.url } });
  await ensureStandingWork(platform.temporal, platform.config.TEMPORAL_TASK_QUEUE);
  alice = await signedUpAgent(platform.app);
  bob = await signedUpAgent(platform.app);
  bobStream = await stream(bob.cookie);

  // Alice's exchange wallet, added through the API like the dashboard does; the wallet sync takes its snapshot.
  keys = exchange.createAccount({ balances: { USDT: '1000', BTC: '0.5' } });
  const added = await alice.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
    .send({ exchangeId: 'paper', label: 'Paper main', apiKey: keys.apiKey, secret: keys.secret });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  accountId = added.body.account.id;
  await waitFor('the first wallet snapshot', async () => (await alice.agent.get(`/api/exchange-accounts/${accountId}`)).body.snapshot);

  // Alice's bot: 100 USDT × 2 pairs; one ETH trade closed, one BTC position open; trade sync copies them.
  bot = await startHostedBot(platform.db, createSecretBox(platform.config.TF_SECRET_KEY), alice.userId, { name: 'Alpha', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 100 });
  bot.addTrade({ id: 1, pair: 'ETH/USDT', amount: 0.02, openRate: 3400, closed: { rate: 3500 } });
  bot.addTrade({ id: 2, pair: 'BTC/USDT', amount: 0.001, openRate: 90_000 });
  await platform.temporal.schedule.getHandle(tradeSyncScheduleId(platform.config.TEMPORAL_TASK_QUEUE)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  await waitFor('the bot’s trades in the ledger', async () =>
    (await platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from bot_trades where bot_id = ${bot.botId}`)) === 2);
  await waitFor('BTC priced by the feed', async () =>
    (await platform.db.maybeOneFirst(sql.type(z.object({ last: z.number() }))`select last from market_prices where exchange_id = 'paper' and symbol = 'BTC/USDT'`)) === 95_000);
}, 120_000);

afterAll(async () => {
  await bobStream?.close();
  await platform?.temporal.workflow.getHandle(marketFeedWorkflowId('paper', platform.config.TEMPORAL_TASK_QUEUE)).terminate('test over').catch(() => undefined);
  for (const id of [tradeSyncScheduleId, portfolioSnapshotsScheduleId]) await platform?.temporal.schedule.getHandle(id(platform.config.TEMPORAL_TASK_QUEUE)).delete().catch(() => undefined);
  await bot?.close();
  await platform?.stop();
  await database?.drop();
  await exchange?.close();
});

// An ordered story: Alice's one portfolio, whose trades close and wallet changes as the steps go; its steps keep their order in a shuffled run (files still shuffle).
describe('live portfolio', { shuffle: false }, () => {
  it('values the wallet and the bot at market prices, in USDT', async () => {
    const res = await alice.agent.get('/api/portfolio');
    expect(res.status).toBe(200);
    const v = res.body as Valuation;
    const ethLast = Number(exchange.prices().find((p) => p.symbol === 'ETHUSDT')!.last);
    // Wallet: 1000 USDT + 0.5 BTC × 95,000. Bot: 200 capital + realized ETH profit − 90 staked, + 0.001 BTC × 95,000.
    const realized = 0.02 * 3500 * 0.999 - 0.02 * 3400 * 1.001;
    expect(v.walletsTotal).toBeCloseTo(1000 + 47_500, 6);
    expect(v.bots).toEqual([expect.objectContaining({ botId: bot.botId, name: 'Alpha', closedTrades: 1 })]);
    expect(v.bots[0]!.value).toBeCloseTo(200 + realized - 90 + 95, 6);
    // The bot is dry-run: its wallet and P&L are simulated, apart from the real total (the wallet alone).
    expect(v.bots[0]!.simulated).toBe(true);
    expect(v.simulated.total).toBeCloseTo(v.bots[0]!.value, 6);
    expect(v.simulated.realizedPnl).toBeCloseTo(realized, 6);
    expect(v.simulated.unrealizedPnl).toBeCloseTo(95 * 0.999 - 90 * 1.001, 6);
    expect(v).toMatchObject({ botsTotal: 0, realizedPnl: 0, unrealizedPnl: 0 });
    expect(v.total).toBeCloseTo(v.walletsTotal, 6);
    expect(v.holdings.filter((h) => h.source === 'bot').every((h) => h.simulated)).toBe(true);
    expect(v.allocation.reduce((sum, a) => sum + a.value, 0)).toBeCloseTo(v.walletsTotal, 6);
    expect(v.unpriced).toEqual([]);
    expect(v.bots[0]!.openPositions).toEqual([expect.objectContaining({ pair: 'BTC/USDT', currentRate: 95_000 })]);
    expect(ethLast).toBeGreaterThan(0);
  });

  it('pushes a new valuation over SSE after a price moves on the exchange', async () => {
    const s = await stream(alice.cookie);
    try {
      const first = await s.next(() => true);
      expect(btcIn(valuationOf(first))).toBe(95_000);
      expect(s.retry).toBeGreaterThan(0);
      // Five moves, each out of the throttle window of the event before, at staggered points of the feed's 1 s poll.
      const latencies: number[] = [];
      let previous = first;
      const moves: Array<[price: number, waitMs: number]> = [[96_100, 1100], [95_900, 1300], [96_200, 1500], [95_800, 1700], [96_000, 1900]];
      for (const [price, waitMs] of moves) {
        await new Promise((r) => setTimeout(r, waitMs));
        const t0 = performance.now();
        await adminSetPrice('BTCUSDT', price);
        const moved = await s.next((e) => btcIn(valuationOf(e)) === price, 10_000, s.events.indexOf(previous) + 1);
        latencies.push(Math.round(moved.at - t0));
        expect(Number(moved.id)).toBe(Number(previous.id) + 1);
        expect(valuationOf(moved).walletsTotal).toBeCloseTo(1000 + price / 2, 6);
        previous = moved;
      }
      const sorted = latencies.toSorted((a, b) => a - b);
      console.log(`[portfolio] SSE latency from admin price change to valuation event: median ${sorted[2]} ms, max ${sorted[4]} ms (${latencies.join(', ')})`);
      expect(sorted[4]).toBeLessThan(10_000);
    } finally {
      await s.close();
    }
  });

  it('sends at most one valuation a second under a burst of price changes, and ends on the last price', async () => {
    const s = await stream(alice.cookie);
    try {
      await s.next(() => true);
      const from = s.events.length;
      const burstStart = performance.now();
      for (let i = 1; i <= 30; i++) {
        exchange.setPrice('BTCUSDT', 96_000 + i * 10);
        await new Promise((r) => setTimeout(r, 100));
      }
      const last = await s.next((e) => btcIn(valuationOf(e)) === 96_300, 5000, from);
      const burst = s.events.slice(from - 1, s.events.indexOf(last) + 1);
      const gaps = burst.slice(1).map((e, i) => e.at - burst[i]!.at);
      console.log(`[portfolio] burst of 30 price changes in ${Math.round(last.at - burstStart)} ms → ${burst.length - 1} events, gaps ${gaps.map(Math.round).join(', ')} ms`);
      expect(burst.length - 1).toBeGreaterThanOrEqual(2);
      expect(burst.length - 1).toBeLessThanOrEqual(6);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
    } finally {
      await s.close();
    }
  });

  it('resumes numbering after Last-Event-ID and sends the current valuation at once', async () => {
    const s = await stream(alice.cookie, { 'last-event-id': '41' });
    try {
      const opened = performance.now();
      const first = await s.next(() => true, 2000);
      expect(first).toMatchObject({ id: '42', event: 'valuation' });
      expect(first.at - opened).toBeLessThan(5000);
      expect(btcIn(valuationOf(first))).toBe(96_300);
      await adminSetPrice('BTCUSDT', 97_000);
      expect((await s.next((e) => btcIn(valuationOf(e)) === 97_000)).id).toBe('43');
    } finally {
      await s.close();
    }
  });

  it('pushes a new valuation when a bot’s trade closes and when the wallet changes', async () => {
    const s = await stream(alice.cookie);
    try {
      await s.next(() => true);
      bot.addTrade({ id: 2, pair: 'BTC/USDT', amount: 0.001, openRate: 90_000, closed: { rate: 97_000, reason: 'exit_signal' } });
      await platform.temporal.schedule.getHandle(tradeSyncScheduleId(platform.config.TEMPORAL_TASK_QUEUE)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      const closed = valuationOf(await s.next((e) => valuationOf(e).bots[0]?.closedTrades === 2, 30_000));
      expect(closed.bots[0]).toMatchObject({ openPositions: [], unrealizedPnl: 0 });
      expect(closed.simulated.realizedPnl).toBeCloseTo(0.02 * 3500 * 0.999 - 0.02 * 3400 * 1.001 + 97 * 0.999 - 90 * 1.001, 6);

      exchange.setBalances(keys.apiKey, { USDT: '1500' });
      expect((await alice.agent.post(`/api/exchange-accounts/${accountId}/sync`).set('Origin', ORIGIN)).status).toBe(202);
      const synced = valuationOf(await s.next((e) => valuationOf(e).walletsTotal === 1500 + 0.5 * 97_000, 15_000));
      expect(synced.holdings).toContainEqual(expect.objectContaining({ asset: 'USDT', amount: 1500, source: 'wallet', sourceLabel: 'Paper main' }));
    } finally {
      await s.close();
    }
  });

  it('keeps a history of at most one point a minute, also for users who never open their portfolio', async () => {
    const history = await alice.agent.get('/api/portfolio/history?range=1h');
    expect(history.status).toBe(200);
    expect(history.body.range).toBe('1h');
    const points = history.body.points as Array<{ at: string; total: number }>;
    expect(points.length).toBeGreaterThanOrEqual(1);
    for (const p of points) expect(p).toEqual({ at: expect.stringMatching(/:00\.000Z$/), total: expect.any(Number) });
    expect(new Set(points.map((p) => p.at)).size).toBe(points.length);
    expect(points.map((p) => p.at)).toEqual(points.map((p) => p.at).toSorted());
    const bad = await alice.agent.get('/api/portfolio/history?range=2y');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('range');

    // Carol has a dry-run bot (40 USDT of simulated capital) but never looks: the portfolio-snapshots schedule records
    // her point, whose real total is 0 (simulated money is not in it).
    const carol = await signedUpAgent(platform.app);
    const carolBot = await startHostedBot(platform.db, createSecretBox(platform.config.TF_SECRET_KEY), carol.userId, { name: 'Quiet', pairs: ['SOL/USDT'], stakeAmount: 40 });
    try {
      await platform.temporal.schedule.getHandle(portfolioSnapshotsScheduleId(platform.config.TEMPORAL_TASK_QUEUE)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      const carolPoints = await waitFor('Carol’s history point', async () => {
        const { body } = await carol.agent.get('/api/portfolio/history?range=1h');
        return body.points.length > 0 && (body.points as Array<{ at: string; total: number }>);
      });
      expect(carolPoints.map((p) => p.total)).toEqual(carolPoints.map(() => 0));
      expect((await carol.agent.get('/api/portfolio')).body.simulated.total).toBe(40);
      // Valuing her portfolio again within the minute keeps that minute's one point.
      await carol.agent.get('/api/portfolio');
      await platform.temporal.schedule.getHandle(portfolioSnapshotsScheduleId(platform.config.TEMPORAL_TASK_QUEUE)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      const again = (await carol.agent.get('/api/portfolio/history?range=1h')).body.points as Array<{ at: string }>;
      expect(new Set(again.map((p) => p.at)).size).toBe(again.length);
    } finally {
      await carolBot.close();
    }
  });

  it('shows another user nothing of Alice’s portfolio, and strangers nothing at all', async () => {
    for (const path of ['/api/portfolio', '/api/portfolio/history', '/api/portfolio/stream']) {
      expect((await request(platform.app).get(path)).status).toBe(401);
    }
    const own = await bob.agent.get('/api/portfolio');
    expect(own.body).toMatchObject({ total: 0, bots: [], holdings: [], unpriced: [] });
    expect(JSON.stringify(own.body)).not.toContain(bot.botId);
    // Bob's stream, open since the start, got his own empty valuation once and nothing from Alice's price moves.
    expect(bobStream.events).toHaveLength(1);
    expect(valuationOf(bobStream.events[0]!)).toMatchObject({ total: 0, bots: [], holdings: [] });
    expect(bobStream.events.map((e) => e.data).join()).not.toMatch(new RegExp(`${bot.botId}|${accountId}|Paper main`));
    expect((await bob.agent.get('/api/portfolio/history?range=24h')).body.points.every((p: { total: number }) => p.total === 0)).toBe(true);
  });

  it('keeps the SSE connection alive with a heartbeat comment', async () => {
    await waitFor('a heartbeat on Bob’s stream', async () => bobStream.comments.includes('ping'), 20_000);
  }, 30_000);
});

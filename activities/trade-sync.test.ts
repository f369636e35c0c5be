// Trade sync against real bot APIs (an in-process bot host) and the real PostgreSQL: idempotent, announced, fault-tolerant.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as bots from '../db/bots.js';
import { createDb, sql, type Db } from '../db/pool.js';
import { botCredentialsPlace, createSecretBox, type SecretBox } from '../db/secret-box.js';
import { insertUser } from '../db/users.js';
import { CreateBotInput } from '../domain/bot.js';
import { startHostedBot, type HostedBot } from '../test/hosted-bot.js';
import { createTradeSyncActivities, type TradeSyncResult } from './trade-sync.js';
import { insertBotOnFreePort } from '../test/bot-rows.js';

let db: Db;
let box: SecretBox;
let listener: pg.Client;
const notices: Array<{ botId: string; userId: string }> = [];
const hosts: HostedBot[] = [];

const Row = z.object({
  tradeId: z.number(), pair: z.string(), isOpen: z.boolean(), amount: z.number(), openRate: z.number(), closeRate: z.number().nullable(),
  profitAbs: z.number().nullable(), exitReason: z.string().nullable(), openDate: z.string(), syncedAt: z.string(), raw: z.record(z.string(), z.unknown()),
});
const ledger = (botId: string) =>
  db.any(sql.type(Row)`select trade_id, pair, is_open, amount, open_rate, close_rate, profit_abs, exit_reason, open_date, synced_at, raw
                       from bot_trades where bot_id = ${botId} order by trade_id`);

const sync = () => new MockActivityEnvironment().run(createTradeSyncActivities({ db, box, botChannel: { socketDir: '/tmp/tf-unused', fallbackHost: '127.0.0.1' } }).syncBotTrades) as Promise<TradeSyncResult>;
const newUser = async () => (await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' })).id;
const settle = () => new Promise((r) => setTimeout(r, 200));
/** Notifications arrive on their own connection, after the write: wait until the bot's has come. */
async function noticeFor(botId: string): Promise<void> {
  for (const started = Date.now(); !notices.some((n) => n.botId === botId); await settle()) {
    if (Date.now() - started > 10_000) throw new Error(`no trade_changes notice for ${botId}`);
  }
}

beforeAll(async () => {
  db = await createDb(process.env.DATABASE_URL!);
  box = createSecretBox(process.env.TF_SECRET_KEY!);
  listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on('notification', (n) => notices.push(JSON.parse(n.payload!)));
  await listener.query('listen trade_changes');
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await listener?.end();
  await db?.end();
});

describe('trade sync', () => {
  it('copies a bot’s open and closed trades into the ledger once; a second pass changes nothing', async () => {
    const userId = await newUser();
    const bot = await startHostedBot(db, box, userId, { name: 'Sync', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 100 });
    hosts.push(bot);
    const openedAt = new Date('2026-11-20T10:00:00.000Z');
    const eth = bot.addTrade({ id: 1, pair: 'ETH/USDT', amount: 0.02, openRate: 3500, openedAt, closed: { rate: 3600, reason: 'roi' } });
    bot.addTrade({ id: 2, pair: 'BTC/USDT', amount: 0.001, openRate: 50000, openedAt, closed: { rate: 49000, reason: 'stop_loss' } });
    bot.addTrade({ id: 3, pair: 'BTC/USDT', amount: 0.001, openRate: 60000, openedAt });

    const first = await sync();
    expect(first.skipped.map((s) => s.botId)).not.toContain(bot.botId);
    const rows = await ledger(bot.botId);
    expect(rows.map((r) => [r.tradeId, r.pair, r.isOpen, r.exitReason])).toEqual([
      [1, 'ETH/USDT', false, 'roi'],
      [2, 'BTC/USDT', false, 'stop_loss'],
      [3, 'BTC/USDT', true, null],
    ]);
    expect(rows[0]!.profitAbs).toBeCloseTo(eth.closeProfitAbs!, 8);
    expect(rows[0]).toMatchObject({ amount: 0.02, openRate: 3500, closeRate: 3600, openDate: openedAt.toISOString() });
    // An open trade's profit follows the market, so the ledger keeps none for it; the bot's own JSON stays in raw.
    expect(rows[2]).toMatchObject({ profitAbs: null, closeRate: null });
    expect(rows[2]!.raw).toMatchObject({ trade_id: 3, is_open: true, pair: 'BTC/USDT' });
    await noticeFor(bot.botId);
    expect(notices).toContainEqual({ botId: bot.botId, userId });

    notices.length = 0;
    const second = await sync();
    expect(second.skipped.map((s) => s.botId)).not.toContain(bot.botId);
    expect(await ledger(bot.botId)).toEqual(rows);
    await settle();
    expect(notices.filter((n) => n.botId === bot.botId)).toEqual([]);
  });

  it('records a trade that closed since the last pass, and announces it to the owner', async () => {
    const userId = await newUser();
    const bot = await startHostedBot(db, box, userId, { name: 'Closer', pairs: ['SOL/USDT'], stakeAmount: 50 });
    hosts.push(bot);
    bot.addTrade({ id: 7, pair: 'SOL/USDT', amount: 0.25, openRate: 180 });
    await sync();
    expect((await ledger(bot.botId)).map((r) => r.isOpen)).toEqual([true]);
    await noticeFor(bot.botId); // the open trade's own notice must not count below

    notices.length = 0;
    const closed = bot.addTrade({ id: 7, pair: 'SOL/USDT', amount: 0.25, openRate: 180, closed: { rate: 190, reason: 'exit_signal' } });
    await sync();
    const [row] = await ledger(bot.botId);
    expect(row).toMatchObject({ isOpen: false, closeRate: 190, exitReason: 'exit_signal' });
    expect(row!.profitAbs).toBeCloseTo(closed.closeProfitAbs!, 8);
    await noticeFor(bot.botId);
    await settle();
    expect(notices.filter((n) => n.botId === bot.botId)).toEqual([{ botId: bot.botId, userId }]);
  });

  it('reads every page of a long history, and later passes read only what is new', async () => {
    const userId = await newUser();
    const bot = await startHostedBot(db, box, userId, { name: 'Busy', pairs: ['BTC/USDT'], stakeAmount: 10 });
    hosts.push(bot);
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let id = 1; id <= 1203; id++) {
      bot.addTrade({ id, pair: 'BTC/USDT', amount: 0.0001, openRate: 90000, openedAt: new Date(start + id * 60_000),
        closed: { rate: 90100, at: new Date(start + id * 60_000 + 30_000) } });
    }
    await sync();
    expect(await ledger(bot.botId)).toHaveLength(1203);

    // Count the bot's /trades reads: each one lists its closed trades once.
    let pages = 0;
    const closed = bot.runtime.ledger.closed.bind(bot.runtime.ledger);
    bot.runtime.ledger.closed = () => (pages++, closed());
    await sync();
    expect(pages).toBe(1);

    pages = 0;
    bot.addTrade({ id: 1204, pair: 'BTC/USDT', amount: 0.0001, openRate: 90000, closed: { rate: 90200 } });
    await sync();
    expect(await ledger(bot.botId)).toHaveLength(1204);
    // The newest page held the new trade; the next one, all held already, ended the read (not all three pages).
    expect(pages).toBe(2);

    // A trade whose exit the bot dated before every other close sorts last, behind pages the ledger holds:
    // it left /status, so the sync asks the bot for that trade by id rather than leave it open forever.
    bot.addTrade({ id: 5000, pair: 'BTC/USDT', amount: 0.0001, openRate: 90000, openedAt: new Date(start) });
    await sync();
    expect((await ledger(bot.botId)).at(-1)).toMatchObject({ tradeId: 5000, isOpen: true });
    bot.addTrade({ id: 5000, pair: 'BTC/USDT', amount: 0.0001, openRate: 90000, openedAt: new Date(start), closed: { rate: 91000, at: new Date(start + 1000) } });
    pages = 0;
    await sync();
    expect(pages).toBe(1);
    expect((await ledger(bot.botId)).at(-1)).toMatchObject({ tradeId: 5000, isOpen: false, closeRate: 91000 });
  });

  it('skips a bot whose API does not answer, with the reason, and still syncs the others', async () => {
    const userId = await newUser();
    const live = await startHostedBot(db, box, userId, { name: 'Live', pairs: ['BTC/USDT'], stakeAmount: 20 });
    hosts.push(live);
    live.addTrade({ id: 1, pair: 'BTC/USDT', amount: 0.0002, openRate: 95000 });
    const deadId = randomUUID();
    const credentials = box.seal(JSON.stringify({ username: 'nobody', password: 'x'.repeat(20), jwtSecret: 'y'.repeat(40) }), botCredentialsPlace(deadId));
    // A port nothing listens on: the bot's runtime died after it was marked running.
    await insertBotOnFreePort(db, { id: deadId, userId, spec: CreateBotInput.parse({ name: 'Dead', pairs: ['ETH/USDT'], stakeAmount: 20 }), driver: 'process', sealedCredentials: credentials });
    await bots.setBotStatus(db, null, deadId, 'running');
    try {
      const result = await sync();
      expect(result.skipped).toContainEqual({ botId: deadId, reason: expect.stringMatching(/unreachable/) });
      expect(result.synced).toBeGreaterThanOrEqual(1);
      expect((await ledger(live.botId)).map((r) => r.tradeId)).toEqual([1]);
    } finally {
      await bots.deleteBotRecord(db, deadId);
    }
  });
});

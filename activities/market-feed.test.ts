// The market feed against the real paper exchange (over ccxt) and PostgreSQL: writes prices, announces only moves.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as accounts from '../db/exchange-accounts.js';
import * as bots from '../db/bots.js';
import { createDb, sql, type Db } from '../db/pool.js';
import { botCredentialsPlace, createSecretBox } from '../db/secret-box.js';
import { insertUser } from '../db/users.js';
import { CreateBotInput } from '../domain/bot.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { createMarketFeedActivities, type FeedProgress } from './market-feed.js';
import { insertBotOnFreePort } from '../test/bot-rows.js';

let db: Db;
let exchange: PaperExchangeHandle;
let listener: pg.Client;
// An exchange id of each test's own, so feeds of other tests sharing the database never write its rows.
const newExchangeId = () => `ptest${randomUUID().slice(0, 8)}`;
/** The symbols of each price_changes announcement, per exchange id. */
const announced = new Map<string, string[][]>();
const movesOf = (exchangeId: string) => announced.get(exchangeId) ?? announced.set(exchangeId, []).get(exchangeId)!;
const botIds: string[] = [];

const Price = z.object({ symbol: z.string(), last: z.number(), bid: z.number(), ask: z.number(), at: z.string() });
const pricesInDb = (exchangeId: string) => db.any(sql.type(Price)`select symbol, last, bid, ask, at from market_prices where exchange_id = ${exchangeId} order by symbol`);
const lastOnExchange = (symbol: string) => Number(exchange.prices().find((p) => p.symbol === symbol)!.last);

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A bot row on this test's exchange: only its pairs matter to the feed (nothing serves its API). */
async function runningBot(exchangeId: string, userId: string, pairs: string[]): Promise<void> {
  const id = randomUUID();
  const box = createSecretBox(process.env.TF_SECRET_KEY!);
  const spec = CreateBotInput.parse({ name: 'Feed', pairs, stakeAmount: 10 });
  await insertBotOnFreePort(db, { id, userId, spec, driver: 'process', sealedCredentials: box.seal('{}', botCredentialsPlace(id)) });
  await db.query(sql.typeAlias('void')`update bots set exchange = ${exchangeId}, status = 'running' where id = ${id}`);
  botIds.push(id);
}

beforeAll(async () => {
  db = await createDb(process.env.DATABASE_URL!);
  // tickMs 0: prices move only when the test sets them.
  exchange = await startPaperExchange({ port: 0, tickMs: 0, historyDays: 2 });
  listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on('notification', (n) => {
    const change = JSON.parse(n.payload!) as { exchangeId: string; symbols: string[] };
    movesOf(change.exchangeId).push(change.symbols);
  });
  await listener.query('listen price_changes');
});

afterAll(async () => {
  for (const id of botIds) await bots.deleteBotRecord(db, id);
  await listener?.end();
  await exchange?.close();
  await db?.end();
});

describe('market feed', () => {
  it('feeds the symbols the platform needs, writes each move once and announces only moved prices', async () => {
    const exchangeId = newExchangeId();
    const moves = movesOf(exchangeId);
    const user = await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' });
    await runningBot(exchangeId, user.id, ['BTC/USDT', 'ETH/USDT']);
    // A wallet on the same exchange holds SOL, and a token the exchange does not list (it stays unpriced, not an error).
    const accountId = randomUUID();
    await accounts.insertExchangeAccount(db, null, {
      id: accountId, userId: user.id, exchangeId, label: 'Main', apiKeyHint: '…abcd', sealedCredentials: 'sealed', syncIntervalSeconds: 60,
    });
    await accounts.recordWalletSync(db, accountId, {
      balances: [{ asset: 'SOL', free: 3, used: 0, total: 3 }, { asset: 'USDT', free: 10, used: 0, total: 10 }, { asset: 'NOPE', free: 1, used: 0, total: 1 }],
      openOrders: [],
    });

    const env = new MockActivityEnvironment();
    const beats: FeedProgress[] = [];
    env.on('heartbeat', (d: FeedProgress) => beats.push(d));
    const feed = createMarketFeedActivities({ db, profileFor: () => exchangeProfile('paper', exchange.url), tickMs: 200, symbolsRefreshMs: 500 });
    const run = env.run(feed.watchPrices, { exchangeId, runForMs: 6_000 }) as Promise<FeedProgress>;
    // A failed step stops the feed too: it must not go on polling this file's exchange beside the next test.
    try {

      await until('first prices', () => moves.length > 0);
      expect(moves[0]).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
      const first = await pricesInDb(exchangeId);
      expect(first.map((p) => [p.symbol, p.last])).toEqual([
        ['BTC/USDT', lastOnExchange('BTCUSDT')], ['ETH/USDT', lastOnExchange('ETHUSDT')], ['SOL/USDT', lastOnExchange('SOLUSDT')],
      ]);
      for (const p of first) expect(p.bid).toBeLessThan(p.ask);

      // Unchanged prices: ticks go on (heartbeats say so) but nothing is rewritten or announced.
      const ticksBefore = beats.at(-1)!.ticks;
      await until('three quiet ticks', () => beats.at(-1)!.ticks >= ticksBefore + 3);
      expect(moves).toHaveLength(1);
      expect(await pricesInDb(exchangeId)).toEqual(first);

      exchange.setPrice('BTCUSDT', 101_234.56);
      await until('the BTC move', () => moves.length > 1);
      expect(moves[1]).toEqual(['BTC/USDT']);
      expect((await pricesInDb(exchangeId)).find((p) => p.symbol === 'BTC/USDT')).toMatchObject({ last: 101_234.56 });

      // A bot started on another pair joins the feed within the refresh interval.
      await runningBot(exchangeId, user.id, ['ADA/USDT']);
      await until('ADA priced', async () => (await pricesInDb(exchangeId)).some((p) => p.symbol === 'ADA/USDT'));
    } catch (error) {
      env.cancel();
      await run.catch(() => undefined);
      throw error;
    }
    const progress = await run;
    expect(progress).toMatchObject({ symbols: 4, lastError: null });
    expect(progress.ticks).toBeGreaterThanOrEqual(5);
    expect(progress.moves).toBe(5);
  });

  it('rides out a failed tick, and fails after three in a row so its workflow retries it with backoff', async () => {
    const exchangeId = newExchangeId();
    const user = await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' });
    await runningBot(exchangeId, user.id, ['BTC/USDT']);
    const feed = createMarketFeedActivities({ db, profileFor: () => exchangeProfile('paper', exchange.url), tickMs: 100 });
    const beats: FeedProgress[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: FeedProgress) => beats.push(d));
    exchange.injectFault({ kind: 'error', path: 'ticker/24hr', count: 1 });
    const progress = (await env.run(feed.watchPrices, { exchangeId, runForMs: 1_000 })) as FeedProgress;
    expect(beats.some((b) => b.lastError?.includes('503'))).toBe(true);
    expect(progress.lastError).toBeNull();

    exchange.injectFault({ kind: 'error', path: 'ticker/24hr', count: 3 });
    await expect(new MockActivityEnvironment().run(feed.watchPrices, { exchangeId, runForMs: 5_000 })).rejects.toThrow(/failed 3 ticks in a row/);
    exchange.clearFaults();
  });
});

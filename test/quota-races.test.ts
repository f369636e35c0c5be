// Creates racing each other cannot pass a per-user limit together: the API's count is only the fast answer, the limit
// holds where the row is written (a lock per owner around the count and the insert, db/bots.ts insertBot).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CreateBotInput } from '../domain/bot.js';
import * as bots from '../db/bots.js';
import { sql } from '../db/pool.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { startTestExchange } from '../exchange/test-support.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

const LIMIT = 3;
const ACCOUNT_LIMIT = 2;
let ex: PaperExchangeHandle;
let platform: TestPlatform;
const accountsMade: Array<{ agent: Awaited<ReturnType<typeof signedUpAgent>>['agent']; id: string }> = [];
beforeAll(async () => {
  ex = await startTestExchange();
  // Local-process bots: the race is in the create, not in the runtime.
  platform = await startPlatform({
    env: { PAPER_EXCHANGE_URL: ex.url, BOT_DRIVER: 'process', MAX_BOTS_PER_USER: String(LIMIT), MAX_EXCHANGE_ACCOUNTS_PER_USER: String(ACCOUNT_LIMIT) },
  });
}, 120_000);
afterAll(async () => {
  // Wallet-sync schedules outlive the test's task queue: remove every account made here.
  for (const { agent, id } of accountsMade) await agent.delete(`/api/exchange-accounts/${id}`).set('Origin', ORIGIN);
  await platform?.stop();
  await ex?.close();
}, 120_000);

const botCount = (userId: string) =>
  platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from bots where user_id = ${userId}`);

describe('quotas under racing creates', () => {
  it(`inserts exactly ${LIMIT} of 12 concurrent rows for one owner; the rest are refused naming the limit`, async () => {
    const { userId } = await signedUpAgent(platform.app);
    const spec = CreateBotInput.parse({ name: 'racer', pairs: ['BTC/USDT'], stakeAmount: 10 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) =>
      bots.insertBot(platform.db, null, {
        id: randomUUID(), userId, spec, driver: 'process', apiPort: 40_000 + Math.floor(Math.random() * 9_000) * 2 + i, sealedCredentials: 'unused',
      }, { maxBots: LIMIT, maxFreqtradeBots: 1 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(LIMIT);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(12 - LIMIT);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(bots.BotQuotaError);
      expect((r.reason as Error).message).toBe(`bots: you have reached the limit of ${LIMIT} (MAX_BOTS_PER_USER); delete one first`);
    }
    expect(await botCount(userId)).toBe(LIMIT);
  });

  it(`answers 201 to exactly ${LIMIT} of 10 concurrent API creates and 409 quota_exceeded to the rest, creating nothing more`, async () => {
    const user = await signedUpAgent(platform.app);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: `racer ${i}`, pairs: ['BTC/USDT'], stakeAmount: 10 })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201), JSON.stringify(answers.map((a) => a.body))).toHaveLength(LIMIT);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(10 - LIMIT);
    for (const a of refused) {
      expect(a.status).toBe(409);
      expect(a.body.error).toMatchObject({ code: 'quota_exceeded', message: `bots: you have reached the limit of ${LIMIT} (MAX_BOTS_PER_USER); delete one first` });
    }
    expect(await botCount(user.userId)).toBe(LIMIT);
    // The created bots run as local processes: deleted, so none outlives the test.
    for (const a of answers.filter((x) => x.status === 201)) {
      await waitFor('the bot up before its delete', async () => (await user.agent.get(`/api/bots/${a.body.bot.id}`)).body.bot.status === 'running', 60_000);
      expect((await user.agent.delete(`/api/bots/${a.body.bot.id}`).set('Origin', ORIGIN)).status).toBeLessThan(300);
    }
  }, 120_000);

  it(`adds exactly ${ACCOUNT_LIMIT} of 6 concurrent exchange accounts and answers 409 quota_exceeded to the rest`, async () => {
    const user = await signedUpAgent(platform.app);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => {
      const account = ex.createAccount({ balances: { USDT: '100' } });
      return user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
        .send({ exchangeId: 'paper', label: `racer ${i}`, apiKey: account.apiKey, secret: account.secret, syncIntervalSeconds: 3600 });
    }));
    for (const a of answers.filter((x) => x.status === 201)) accountsMade.push({ agent: user.agent, id: a.body.account.id });
    expect(answers.filter((a) => a.status === 201), JSON.stringify(answers.map((a) => a.body))).toHaveLength(ACCOUNT_LIMIT);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(409);
      expect(a.body.error).toMatchObject({
        code: 'quota_exceeded', message: `exchange accounts: you have reached the limit of ${ACCOUNT_LIMIT} (MAX_EXCHANGE_ACCOUNTS_PER_USER); delete one first`,
      });
    }
    expect(await platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from exchange_accounts where user_id = ${user.userId}`)).toBe(ACCOUNT_LIMIT);
  }, 120_000);
});

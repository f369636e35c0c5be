// Per-user and per-address limits at the API: the first request over each gets a clear 409/429 naming the limit and
// creates nothing; the sign-in limiter is atomic; an uploaded strategy already checked is not checked again.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CreateBotInput } from '../domain/bot.js';
import { contentHash } from '../domain/strategy-version.js';
import * as bots from '../db/bots.js';
import { insertExchangeAccount } from '../db/exchange-accounts.js';
import { sql } from '../db/pool.js';
import { bundledBuiltin, bundledFreqtrade } from '../db/seed.js';
import { insertStrategyVersion } from '../db/strategies.js';
import { ORIGIN, signedUpAgent, startPlatform, type TestPlatform } from './platform.js';
import { openSse } from './sse-client.js';

let platform: TestPlatform;
beforeAll(async () => {
  // No worker: nothing here may reach one; a request that got past its quota would hang or answer 503, not 201.
  platform = await startPlatform({
    worker: false,
    env: {
      MAX_BOTS_PER_USER: '2', MAX_FREQTRADE_BOTS_PER_USER: '1', MAX_EXCHANGE_ACCOUNTS_PER_USER: '1',
      MAX_STRATEGY_UPLOADS_PER_HOUR: '2', MAX_SSE_STREAMS_PER_USER: '2', MAX_SIGNUPS_PER_ADDRESS_PER_HOUR: '2',
    },
  });
}, 120_000);
afterAll(async () => platform?.stop());

// This platform allows 2 sign-ups per address and hour: each user here signs up from an address of their own.
let nextAddress = 1;
const signedUp = () => signedUpAgent(platform.app, `192.0.2.${nextAddress++}`);

const count = (table: 'bots' | 'exchange_accounts' | 'strategy_versions', userId: string) =>
  platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from ${sql.identifier([table])} where user_id = ${userId}`);

async function botRow(userId: string, engine: 'builtin' | 'freqtrade') {
  const spec = CreateBotInput.parse({ name: `b-${randomUUID().slice(0, 6)}`, pairs: ['BTC/USDT'], stakeAmount: 10, engine });
  const apiPort = (await bots.nextFreeBotPort(platform.db, []))!;
  const freqtradeVersion = engine === 'freqtrade' ? '2026.9' : null;
  await bots.insertBot(platform.db, null, { id: randomUUID(), userId, spec, freqtradeVersion, driver: 'process', apiPort, sealedCredentials: 'unused' });
}

describe('quotas', () => {
  it('evaluates exactly 5 of 30 concurrent wrong sign-ins for one email; the rest get 429', async () => {
    const { email } = await signedUp();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => request(platform.app).post('/api/auth/signin').set('Origin', ORIGIN).send({ email, password: 'wrong password!' })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/too many failed sign-ins/) });
    expect(limited.headers['retry-after']).toBe('900');
    // Even the right password waits out the window now.
    expect((await request(platform.app).post('/api/auth/signin').set('Origin', ORIGIN).send({ email, password: 'correct horse battery' })).status).toBe(429);
  });

  it('refuses the bot over MAX_BOTS_PER_USER and the FreqTrade bot over MAX_FREQTRADE_BOTS_PER_USER with 409, creating nothing', async () => {
    const user = await signedUp();
    await botRow(user.userId, 'freqtrade');
    const freqtrade = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'ft', pairs: ['BTC/USDT'], stakeAmount: 10, engine: 'freqtrade' });
    expect(freqtrade.status).toBe(409);
    expect(freqtrade.body.error).toMatchObject({ code: 'quota_exceeded', message: expect.stringMatching(/FreqTrade bots: .*limit of 1 \(MAX_FREQTRADE_BOTS_PER_USER\)/) });
    await botRow(user.userId, 'builtin');
    const builtin = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'b', pairs: ['BTC/USDT'], stakeAmount: 10 });
    expect(builtin.status).toBe(409);
    expect(builtin.body.error.message).toMatch(/^bots: .*limit of 2 \(MAX_BOTS_PER_USER\)/);
    expect(await count('bots', user.userId)).toBe(2);
  });

  it('refuses the exchange account over MAX_EXCHANGE_ACCOUNTS_PER_USER with 409 before any exchange call', async () => {
    const user = await signedUp();
    await insertExchangeAccount(platform.db, null, {
      id: randomUUID(), userId: user.userId, exchangeId: 'paper', label: 'first', apiKeyHint: '…abcd', sealedCredentials: 'unused', syncIntervalSeconds: 60,
    });
    const res = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN).send({ exchangeId: 'paper', label: 'second', apiKey: 'k'.repeat(20), secret: 's'.repeat(20) });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^exchange accounts: .*limit of 1 \(MAX_EXCHANGE_ACCOUNTS_PER_USER\)/);
    expect(await count('exchange_accounts', user.userId)).toBe(1);
  });

  it('counts strategy uploads per hour (429 over MAX_STRATEGY_UPLOADS_PER_HOUR), and does not check an already checked file again', async () => {
    const user = await signedUp();
    const strategy = (n: number) => ({ content: { ...JSON.parse(bundledBuiltin(0).content), name: `Quota ${n}` } });
    const first = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send(strategy(1));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await user.agent.post('/api/strategies').set('Origin', ORIGIN).send(strategy(2))).status).toBe(201);
    const third = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send(strategy(3));
    expect(third.status).toBe(429);
    expect(third.body.error.message).toMatch(/strategy uploads: .*limit of 2 per hour \(MAX_STRATEGY_UPLOADS_PER_HOUR\)/);
    expect(third.headers['retry-after']).toBe('3600');
    expect(await count('strategy_versions', user.userId)).toBe(2);

    // A FreqTrade file this user's version already holds (its check passed then) comes back at once: no worker runs
    // checks here, so a new check would have answered 503, and the spent hourly quota would have answered 429.
    const { content, name } = bundledFreqtrade(0);
    const known = await insertStrategyVersion(platform.db, {
      id: randomUUID(), userId: user.userId, name, engine: 'freqtrade', content, contentHash: contentHash('freqtrade', content), author: user.email, note: '',
    });
    const again = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ engine: 'freqtrade', content });
    expect(again.status).toBe(201);
    expect(again.body.strategy.id).toBe(known.id);
  });

  it('limits sign-ups per client address (429 over MAX_SIGNUPS_PER_ADDRESS_PER_HOUR) and creates no user', async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const signup = (email: string) =>
      request(platform.app).post('/api/auth/signup').set('Origin', ORIGIN).set('X-Forwarded-For', address).send({ email, password: 'correct horse battery' });
    expect((await signup(`a-${randomUUID()}@example.com`)).status).toBe(201);
    expect((await signup(`b-${randomUUID()}@example.com`)).status).toBe(201);
    const email = `c-${randomUUID()}@example.com`;
    const third = await signup(email);
    expect(third.status).toBe(429);
    expect(third.body.error.message).toMatch(/sign-ups: this address has reached the limit of 2 per hour/);
    expect(await platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from users where email = ${email}`)).toBe(0);
    // Another address is not affected.
    expect((await request(platform.app).post('/api/auth/signup').set('Origin', ORIGIN).set('X-Forwarded-For', '203.0.113.7').send({ email, password: 'correct horse battery' })).status).toBe(201);
  });

  it('refuses the live stream over MAX_SSE_STREAMS_PER_USER with 429, and frees the slot when a stream closes', async () => {
    const user = await signedUp();
    const headers = { cookie: user.cookie };
    const streams = [await openSse(platform.app, '/api/bots/events', headers), await openSse(platform.app, '/api/portfolio/stream', headers)];
    const refused = await user.agent.get('/api/bots/events');
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/live streams: you have 2 open, the limit is 2 \(MAX_SSE_STREAMS_PER_USER\)/);
    // Another user has slots of their own.
    const other = await signedUp();
    const theirs = await openSse(platform.app, '/api/bots/events', { cookie: other.cookie });
    await theirs.close();
    await streams[0]!.close();
    await new Promise((r) => setTimeout(r, 200)); // the server sees the socket close
    const reopened = await openSse(platform.app, '/api/bots/events', headers);
    await reopened.close();
    await streams[1]!.close();
  });
});

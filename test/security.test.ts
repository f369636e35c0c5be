// Security at the API edge: authentication, ownership (404 for another user's bot), origin check, rate limit, validation.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBotsForUser } from '../db/bots.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let platform: TestPlatform;
let owner: Awaited<ReturnType<typeof signedUpAgent>>;
let botId: string;

beforeAll(async () => {
  // Bots run as local processes here: these tests are about the API, not the runtime.
  platform = await startPlatform({ env: { BOT_DRIVER: 'process', TF_DATA_DIR: '.data/test-security' } });
  owner = await signedUpAgent(platform.app);
  const res = await owner.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'mine', pairs: ['BTC/USDT'], stakeAmount: 10 });
  expect(res.status).toBe(201);
  botId = res.body.bot.id;
  await waitFor('bot running', async () => (await owner.agent.get(`/api/bots/${botId}`)).body.bot?.status === 'running');
}, 120_000);

afterAll(async () => {
  await owner?.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN);
  await platform?.stop();
});

describe('API security', () => {
  it('answers 401 to every bot endpoint without a session', async () => {
    const anon = request(platform.app);
    for (const [method, path] of [
      ['get', '/api/bots'], ['post', '/api/bots'], ['get', `/api/bots/${botId}`], ['post', `/api/bots/${botId}/start`],
      ['post', `/api/bots/${botId}/stop`], ['delete', `/api/bots/${botId}`], ['get', '/api/bots/events'], ['get', '/api/auth/me'],
    ] as const) {
      const res = await anon[method](path).set('Origin', ORIGIN);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  it("gives another user 404 on every endpoint of the first user's bot and changes nothing", async () => {
    const intruder = await signedUpAgent(platform.app);
    for (const [method, path] of [
      ['get', `/api/bots/${botId}`], ['post', `/api/bots/${botId}/start`], ['post', `/api/bots/${botId}/stop`], ['delete', `/api/bots/${botId}`],
    ] as const) {
      const res = await intruder.agent[method](path).set('Origin', ORIGIN);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await intruder.agent.get('/api/bots')).body.bots).toEqual([]);
    expect((await owner.agent.get(`/api/bots/${botId}`)).body.bot.status).toBe('running');
  });

  it('refuses state-changing requests from a foreign or missing origin', async () => {
    const evil = await owner.agent.post(`/api/bots/${botId}/stop`).set('Origin', 'https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('forbidden_origin');
    expect((await owner.agent.post(`/api/bots/${botId}/stop`)).status).toBe(403);
    expect((await owner.agent.get(`/api/bots/${botId}`)).body.bot.status).toBe('running');
  });

  it('rejects a bad bot with 400 naming the field, and creates nothing', async () => {
    const before = await listBotsForUser(platform.db, owner.userId);
    for (const [body, field] of [
      [{ name: 'x', pairs: ['BTCUSDT'], stakeAmount: 10 }, 'pairs.0'],
      [{ name: 'x', pairs: ['BTC/USDT'], stakeAmount: -5 }, 'stakeAmount'],
      [{ name: '', pairs: ['BTC/USDT'], stakeAmount: 5 }, 'name'],
    ] as const) {
      const res = await owner.agent.post('/api/bots').set('Origin', ORIGIN).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    const malformed = await owner.agent.post('/api/bots').set('Origin', ORIGIN).set('content-type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expect(await listBotsForUser(platform.db, owner.userId)).toEqual(before);
  });

  it('rejects a command the bot cannot take with 409 and a reason', async () => {
    const res = await owner.agent.post(`/api/bots/${botId}/start`).set('Origin', ORIGIN);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('cannot start a bot that is running');
  });

  it('rate-limits sign-in after repeated failures, even with the right password', async () => {
    const { email } = await signedUpAgent(platform.app);
    const anon = request(platform.app);
    for (let i = 0; i < 5; i++) {
      const res = await anon.post('/api/auth/signin').set('Origin', ORIGIN).send({ email, password: 'wrong password!' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_credentials');
    }
    const blocked = await anon.post('/api/auth/signin').set('Origin', ORIGIN).send({ email, password: 'correct horse battery' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('900');
  });

  it('signs out: the old session cookie no longer works', async () => {
    const anon = request(platform.app);
    const res = await anon.post('/api/auth/signup').set('Origin', ORIGIN).send({ email: `out-${Date.now()}@example.com`, password: 'correct horse battery' });
    const cookie = String(res.headers['set-cookie']?.[0]).split(';')[0]!;
    expect(res.headers['set-cookie']?.[0]).toMatch(/HttpOnly/i);
    expect(res.headers['set-cookie']?.[0]).toMatch(/SameSite=Lax/i);
    expect((await anon.get('/api/auth/me').set('Cookie', cookie)).status).toBe(200);
    expect((await anon.post('/api/auth/signout').set('Origin', ORIGIN).set('Cookie', cookie)).status).toBe(204);
    expect((await anon.get('/api/auth/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('lets scripts use a personal API token without an Origin, until it is revoked', async () => {
    const created = await owner.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'ci script', scopes: ['read', 'trade'] });
    expect(created.status).toBe(201);
    const { id, secret } = created.body.token;
    expect(secret).toMatch(/^tf_/);
    const anon = request(platform.app);
    const bots = await anon.get('/api/bots').set('Authorization', `Bearer ${secret}`);
    expect(bots.body.bots.map((b: { id: string }) => b.id)).toContain(botId);
    // A script's state-changing call needs no Origin header (a bad bot gets past the origin check to validation).
    const scripted = await anon.post('/api/bots').set('Authorization', `Bearer ${secret}`).send({ name: 'x', pairs: [], stakeAmount: 10 });
    expect(scripted.status).toBe(400);
    expect(scripted.body.error.field).toBe('pairs');
    const listed = await owner.agent.get('/api/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((await owner.agent.delete(`/api/tokens/${id}`).set('Origin', ORIGIN)).status).toBe(204);
    expect((await anon.get('/api/bots').set('Authorization', `Bearer ${secret}`)).status).toBe(401);
    expect((await anon.get('/api/bots').set('Authorization', 'Bearer tf_forged')).status).toBe(401);
  });
});

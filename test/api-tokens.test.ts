// Personal API tokens at the API edge: scopes (403 naming the one missing), expiry (401), only sessions mint tokens,
// operator scope for operators only, revocation, and the last use shown to the owner.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db/pool.js';
import { ORIGIN, signedUpAgent, startPlatform, type TestPlatform } from './platform.js';

let platform: TestPlatform;
let owner: Awaited<ReturnType<typeof signedUpAgent>>;

beforeAll(async () => {
  // No worker: every request here is answered (or refused) by the API before a workflow would start.
  platform = await startPlatform({ worker: false });
  owner = await signedUpAgent(platform.app);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

async function createToken(body: Record<string, unknown>) {
  const res = await owner.agent.post('/api/tokens').set('Origin', ORIGIN).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.token as { id: string; secret: string; scopes: string[]; expiresAt: string; lastUsedAt: string | null };
}

const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const newBot = { name: 'scripted', pairs: ['BTC/USDT'], stakeAmount: 10 };

describe('API token scopes', () => {
  it('a read token lists bots but cannot create one: 403 naming the trade scope, and nothing is created', async () => {
    const token = await createToken({ name: 'reader', scopes: ['read'] });
    expect(token.scopes).toEqual(['read']);
    const api = request(platform.app);
    expect((await api.get('/api/bots').set(bearer(token.secret))).status).toBe(200);
    const refused = await api.post('/api/bots').set(bearer(token.secret)).send(newBot);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('insufficient_scope');
    expect(refused.body.error.message).toContain('"trade"');
    expect(refused.headers['www-authenticate']).toContain('scope="trade"');
    expect((await owner.agent.get('/api/bots')).body.bots).toEqual([]);
  });

  it('a trade token gets past the scope check (a bad bot is then a 400 naming its field) but cannot read', async () => {
    const token = await createToken({ name: 'trader', scopes: ['trade'] });
    const api = request(platform.app);
    const bad = await api.post('/api/bots').set(bearer(token.secret)).send({ ...newBot, stakeAmount: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('stakeAmount');
    const read = await api.get('/api/bots').set(bearer(token.secret));
    expect(read.status).toBe(403);
    expect(read.body.error.message).toContain('"read"');
  });

  it('a token cannot mint, list or revoke tokens; only a browser session can', async () => {
    const token = await createToken({ name: 'all I can', scopes: ['read', 'trade'] });
    const api = request(platform.app);
    const minted = await api.post('/api/tokens').set(bearer(token.secret)).send({ name: 'offspring', scopes: ['read'] });
    expect(minted.status).toBe(403);
    expect(minted.body.error.code).toBe('session_required');
    expect((await api.get('/api/tokens').set(bearer(token.secret))).status).toBe(403);
    expect((await api.delete(`/api/tokens/${token.id}`).set(bearer(token.secret))).status).toBe(403);
    const names = (await owner.agent.get('/api/tokens')).body.tokens.map((t: { name: string }) => t.name);
    expect(names).not.toContain('offspring');
  });

  it('an expired token is a 401 that says it expired', async () => {
    const token = await createToken({ name: 'short lived', scopes: ['read'], expiresInDays: 1 });
    const api = request(platform.app);
    expect((await api.get('/api/bots').set(bearer(token.secret))).status).toBe(200);
    // A day is the shortest expiry one can choose; move this one's end into the past instead of waiting for it.
    await platform.db.query(sql.typeAlias('void')`update api_tokens set expires_at = now() - interval '1 second' where id = ${token.id}`);
    const expired = await api.get('/api/bots').set(bearer(token.secret));
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('token_expired');
    expect(JSON.stringify(expired.body)).not.toContain(token.secret);
  });

  it('expires after 90 days unless another expiry is chosen, at most a year', async () => {
    const day = 24 * 3600 * 1000;
    const byDefault = await createToken({ name: 'default expiry' });
    expect(byDefault.scopes).toEqual(['read']);
    expect(Math.round((Date.parse(byDefault.expiresAt) - Date.now()) / day)).toBe(90);
    const chosen = await createToken({ name: 'a week', expiresInDays: 7 });
    expect(Math.round((Date.parse(chosen.expiresAt) - Date.now()) / day)).toBe(7);
    const tooLong = await owner.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'forever', expiresInDays: 3650 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.field).toBe('expiresInDays');
    const unknown = await owner.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'root', scopes: ['admin'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('scopes.0');
  });

  it('the operator scope is for operators only, and an operator token needs it on operator routes', async () => {
    // The first user of this shared database is not necessarily ours: make this one an operator explicitly.
    const trader = await signedUpAgent(platform.app);
    const refused = await trader.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'pools', scopes: ['operator'] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.field).toBe('scopes');
    await platform.db.query(sql.typeAlias('void')`update users set is_operator = true where id = ${trader.userId}`);
    const withoutScope = (await trader.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'reads', scopes: ['read'] })).body.token.secret;
    const denied = await request(platform.app).get('/api/pools').set(bearer(withoutScope));
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('"operator"');
    const operatorToken = await trader.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'pools', scopes: ['operator'] });
    expect(operatorToken.status).toBe(201);
    expect((await request(platform.app).get('/api/pools').set(bearer(operatorToken.body.token.secret))).status).toBe(200);
  });

  it('shows when a token was last used, and a revoked token is a 401', async () => {
    const token = await createToken({ name: 'to revoke', scopes: ['read'] });
    expect(token.lastUsedAt).toBeNull();
    const api = request(platform.app);
    expect((await api.get('/api/bots').set(bearer(token.secret))).status).toBe(200);
    const listed = (await owner.agent.get('/api/tokens')).body.tokens.find((t: { id: string }) => t.id === token.id);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token.secret);
    expect((await owner.agent.delete(`/api/tokens/${token.id}`).set('Origin', ORIGIN)).status).toBe(204);
    const revoked = await api.get('/api/bots').set(bearer(token.secret));
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('unauthenticated');
    expect((await owner.agent.delete(`/api/tokens/${token.id}`).set('Origin', ORIGIN)).status).toBe(404);
  });
});

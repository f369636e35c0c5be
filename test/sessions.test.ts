// Sessions: stored as the SHA-256 of the cookie's token (never the token), and all ended by a password change.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db/pool.js';
import { ORIGIN, signedUpAgent, startPlatform, type TestPlatform } from './platform.js';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

const cookieOf = (res: request.Response) => String(res.headers['set-cookie']?.[0]).split(';')[0]!;
const sessionIds = (userId: string) => platform.db.anyFirst(sql.type(z.object({ id: z.string() }))`select id from user_sessions where user_id = ${userId}`);

async function signIn(email: string, password: string) {
  return request(platform.app).post('/api/auth/signin').set('Origin', ORIGIN).send({ email, password });
}

describe('sessions', () => {
  it('stores the SHA-256 of the cookie token, not the token', async () => {
    const user = await signedUpAgent(platform.app);
    const token = user.cookie.split('=')[1]!;
    const stored = await sessionIds(user.userId);
    expect(stored).toEqual([createHash('sha256').update(token).digest('hex')]);
    expect(stored).not.toContain(token);
    // A stolen row is no cookie: presenting the stored id as the cookie opens nothing.
    expect((await request(platform.app).get('/api/auth/me').set('Cookie', `tf_session=${stored[0]}`)).status).toBe(401);
    expect((await request(platform.app).get('/api/auth/me').set('Cookie', user.cookie)).status).toBe(200);
  });

  it('a password change ends every session of the account and keeps the changing browser signed in', async () => {
    const user = await signedUpAgent(platform.app);
    const elsewhere = cookieOf(await signIn(user.email, 'correct horse battery'));
    const api = request(platform.app);
    expect((await api.get('/api/auth/me').set('Cookie', elsewhere)).status).toBe(200);

    const changed = await api.post('/api/auth/password').set('Origin', ORIGIN).set('Cookie', user.cookie)
      .send({ currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase' });
    expect(changed.status).toBe(200);
    const fresh = cookieOf(changed);
    expect(fresh).not.toBe(user.cookie);
    expect((await api.get('/api/auth/me').set('Cookie', user.cookie)).status).toBe(401);
    expect((await api.get('/api/auth/me').set('Cookie', elsewhere)).status).toBe(401);
    expect((await api.get('/api/auth/me').set('Cookie', fresh)).status).toBe(200);
    expect(await sessionIds(user.userId)).toHaveLength(1);
    expect((await signIn(user.email, 'correct horse battery')).status).toBe(400);
    expect((await signIn(user.email, 'a brand new passphrase')).status).toBe(200);
  });

  it('refuses a wrong current password naming it, a short new one, and a token; nothing changes', async () => {
    const user = await signedUpAgent(platform.app);
    const api = request(platform.app);
    const wrong = await api.post('/api/auth/password').set('Origin', ORIGIN).set('Cookie', user.cookie)
      .send({ currentPassword: 'not my password', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('currentPassword');
    const short = await api.post('/api/auth/password').set('Origin', ORIGIN).set('Cookie', user.cookie)
      .send({ currentPassword: 'correct horse battery', newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('newPassword');
    const token = (await api.post('/api/tokens').set('Origin', ORIGIN).set('Cookie', user.cookie).send({ name: 't', scopes: ['read', 'trade'] })).body.token.secret;
    const viaToken = await api.post('/api/auth/password').set('Authorization', `Bearer ${token}`)
      .send({ currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase' });
    expect(viaToken.status).toBe(403);
    expect((await api.get('/api/auth/me').set('Cookie', user.cookie)).status).toBe(200);
    expect((await signIn(user.email, 'correct horse battery')).status).toBe(200);
  });
});
